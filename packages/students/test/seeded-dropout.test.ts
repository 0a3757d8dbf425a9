import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededDropout } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

/** The masks (as 0/1 arrays) of `count` successive training calls on an all-ones input. */
function masks(layer: SeededDropout, count: number, size = 200): number[][] {
  return Array.from({ length: count }, () =>
    tf.tidy(() => {
      const out = layer.apply(tf.ones([1, size]), { training: true }) as tf.Tensor;
      return Array.from(out.dataSync(), (value) => (value === 0 ? 0 : 1));
    }),
  );
}

describe('SeededDropout', () => {
  beforeAll(useCpuBackend);

  it('is the identity at inference', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 1 });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 30], 0, 1, 'float32', 5);
      expect((layer.apply(x, { training: false }) as tf.Tensor).arraySync()).toEqual(x.arraySync());
      expect((layer.apply(x) as tf.Tensor).arraySync()).toEqual(x.arraySync());
    });
  });

  it('zeroes about `rate` of the inputs while training and scales the rest by 1 / (1 - rate)', () => {
    const layer = new SeededDropout({ rate: 0.25, seed: 2 });
    const values = tf.tidy(() => Array.from((layer.apply(tf.ones([1, 4000]), { training: true }) as tf.Tensor).dataSync()));
    const dropped = values.filter((value) => value === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.2);
    expect(dropped).toBeLessThan(0.3);
    for (const value of values.filter((v) => v !== 0)) expect(value).toBeCloseTo(1 / 0.75, 6);
  });

  it('draws a different mask on every training call', () => {
    const [first, second, third] = masks(new SeededDropout({ rate: 0.5, seed: 3 }), 3);
    expect(second).not.toEqual(first);
    expect(third).not.toEqual(second);
  });

  it('draws the same sequence of masks for the same seed, and another for another seed', () => {
    const sequence = masks(new SeededDropout({ rate: 0.5, seed: 4 }), 3);
    expect(masks(new SeededDropout({ rate: 0.5, seed: 4 }), 3)).toEqual(sequence);
    expect(masks(new SeededDropout({ rate: 0.5, seed: 5 }), 3)).not.toEqual(sequence);
  });

  it('resumes the same sequence from a saved generator state', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 6 });
    masks(layer, 2);
    const state = layer.generatorState();
    const next = masks(layer, 2);
    const resumed = new SeededDropout({ rate: 0.5, seed: 6 });
    resumed.restoreGeneratorState(state);
    expect(masks(resumed, 2)).toEqual(next);
  });

  it('lets gradients through the kept units only', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 7 });
    tf.tidy(() => {
      const x = tf.ones([1, 50]);
      const grad = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
      const values = Array.from(grad.dataSync());
      expect(new Set(values.map((v) => v.toFixed(5)))).toEqual(new Set(['0.00000', '2.00000']));
    });
  });

  it('serialises its rate and seed and is registered for deserialisation', () => {
    const layer = new SeededDropout({ rate: 0.3, seed: 8, name: 'drop' });
    expect(layer.getConfig()).toMatchObject({ rate: 0.3, seed: 8, name: 'drop' });
    const copy = tfl.layers.Layer.fromConfig(SeededDropout, layer.getConfig()) as SeededDropout;
    expect(copy).toBeInstanceOf(SeededDropout);
    expect(masks(copy, 2)).toEqual(masks(new SeededDropout({ rate: 0.3, seed: 8 }), 2));
  });

  it('rejects a rate outside [0, 1) and a non-integer seed, naming the layer', () => {
    expect(() => new SeededDropout({ rate: 1, seed: 0, name: 'd1' })).toThrow(/"d1".*rate/);
    expect(() => new SeededDropout({ rate: -0.1, seed: 0 })).toThrow(/rate/);
    expect(() => new SeededDropout({ rate: 0.5, seed: 1.5 })).toThrow(/seed/);
  });

  it('leaks no tensor over repeated calls', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 9 });
    const x = tf.ones([2, 10]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1) {
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
      tf.dispose(layer.apply(x, { training: false }) as tf.Tensor);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
