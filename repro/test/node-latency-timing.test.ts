// The Node-latency peer's timing (repro/node-latency/time-predictions.ts) on the cpu backend and a tiny
// model: what is timed, how many times, and on which images; the statistics on values worked by hand.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SampleSet } from '@kdlab/export';
import { median, quantile, timeBatches, timeSingleImages } from '../node-latency/time-predictions.js';

describe('the Node-latency peer\'s timing', () => {
  beforeAll(async () => {
    tf.env().set('PROD', true); // no "install tfjs-node" banner
    await tf.setBackend('cpu');
  });

  // 5 two-pixel images whose first value is their index
  const samples: SampleSet = { x: Float32Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? i / 2 : 0)), y: new Int32Array(5), count: 5, inputShape: [2], numClasses: 3, classNames: ['a', 'b', 'c'] };
  const tiny = (): tfl.LayersModel => tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] })] });

  it('median and quantile of sorted values as worked by hand (median of an even count: the mean of the middle two; quantile: nearest rank)', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([7], 0.9)).toBe(7);
    expect(() => median([])).toThrow(/no values/);
  });

  it('times each single-image prediction after the warm-up, one image of shape [1, ...inputShape] at a time, cycling through the samples', async () => {
    const model = tiny();
    const predict = vi.spyOn(model, 'predict');
    const seen: number[] = [];
    predict.mockImplementation((x) => {
      const input = x as tf.Tensor;
      expect(input.shape).toEqual([1, 2]);
      seen.push(input.dataSync()[0]!);
      return tf.zeros([1, 3]);
    });
    const latency = await timeSingleImages(model, samples, [2], 7, 3);
    expect(predict).toHaveBeenCalledTimes(10);
    expect(seen).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(latency).toMatchObject({ runs: 7, warmup: 3 });
    expect(latency.median).toBeGreaterThan(0);
    expect(latency.p90).toBeGreaterThanOrEqual(latency.median);
    model.dispose();
  });

  it('times whole passes over the samples in batches after one untimed batch, per image', async () => {
    const model = tiny();
    const predict = vi.spyOn(model, 'predict');
    const latency = await timeBatches(model, samples, 2, 3);
    // one warm-up batch of 2, then 3 passes of batches 2 + 2 + 1
    expect(predict.mock.calls.map(([x]) => (x as tf.Tensor).shape[0])).toEqual([2, 2, 2, 1, 2, 2, 1, 2, 2, 1]);
    expect(latency).toMatchObject({ batchSize: 2, images: 5, passes: 3 });
    expect(latency.perImage).toBeGreaterThan(0);
    model.dispose();
  });
});
