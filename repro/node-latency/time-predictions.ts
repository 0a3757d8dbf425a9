// Timing a loaded model in Node, one image at a time and in batches, on whatever backend TensorFlow.js runs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { predictSamples, type SampleSet } from '@kdlab/export';

/** Single-image latency: each prediction timed on its own, from the input tensor to the output's values. */
export interface SingleImageLatency {
  /** Timed predictions. */
  runs: number;
  /** Untimed predictions before them. */
  warmup: number;
  /** Median of the timed predictions, in ms. */
  median: number;
  /** Their mean, in ms. */
  mean: number;
  /** Their 90th percentile, in ms. */
  p90: number;
}

/** Batched latency: whole passes over the samples, `batchSize` at a time, timed per image. */
export interface BatchedLatency {
  /** Images per forward pass. */
  batchSize: number;
  /** Images per pass (all the samples). */
  images: number;
  /** Timed passes (after one untimed batch). */
  passes: number;
  /** The median pass's time per image, in ms. */
  perImage: number;
}

/** The value at quantile `q` (0 to 1) of ascending values, by nearest rank (`ceil(q * n)`-th); throws on none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values.');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median of ascending values: the middle one, or the mean of the two middle ones; throws on none. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new Error('median: no values.');
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/**
 * The times of `runs` single-image predictions, in ms, cycling through the samples from sample `offset`
 * (the `i`-th prediction takes sample `(offset + i) mod count`); each time runs from making the input
 * tensor to reading the output's values.
 *
 * @param model - the loaded model.
 * @param samples - the images.
 * @param inputShape - one image's shape as the model takes it (`modelInputShape`).
 * @param runs - predictions.
 * @param offset - the first sample's index.
 */
export async function singleImageTimes(model: tfl.LayersModel, samples: SampleSet, inputShape: readonly number[], runs: number, offset = 0): Promise<number[]> {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const index = (offset + i) % samples.count;
    const row = samples.x.subarray(index * width, (index + 1) * width);
    const start = performance.now();
    const output = tf.tidy(() => {
      const result = model.predict(tf.tensor(row, [1, ...inputShape]));
      return Array.isArray(result) ? result[0]! : result;
    });
    await output.data();
    times.push(performance.now() - start);
    output.dispose();
  }
  return times;
}

/** The summary of single-image times: median, mean and 90th percentile. */
export function summarizeSingleImages(times: readonly number[], warmup: number): SingleImageLatency {
  const sorted = [...times].sort((a, b) => a - b);
  return { runs: times.length, warmup, median: median(sorted), mean: times.reduce((a, b) => a + b, 0) / times.length, p90: quantile(sorted, 0.9) };
}

/**
 * Times `runs` single-image predictions after `warmup` untimed ones, cycling through the samples (the
 * `i`-th prediction takes sample `i mod count`); each time runs from making the input tensor to reading
 * the output's values.
 *
 * @param model - the loaded model.
 * @param samples - the images.
 * @param inputShape - one image's shape as the model takes it (`modelInputShape`).
 * @param runs - timed predictions (at least 1).
 * @param warmup - untimed predictions first.
 */
export async function timeSingleImages(model: tfl.LayersModel, samples: SampleSet, inputShape: readonly number[], runs: number, warmup: number): Promise<SingleImageLatency> {
  await singleImageTimes(model, samples, inputShape, warmup);
  return summarizeSingleImages(await singleImageTimes(model, samples, inputShape, runs, warmup), warmup);
}

/**
 * Times `passes` whole passes over the samples in batches of `batchSize` (with `predictSamples`, as the
 * exported page does), after one untimed batch, and returns the median pass's time per image.
 *
 * @param model - the loaded model.
 * @param samples - the images.
 * @param batchSize - images per forward pass.
 * @param passes - timed passes (at least 1).
 */
export async function timeBatches(model: tfl.LayersModel, samples: SampleSet, batchSize: number, passes: number): Promise<BatchedLatency> {
  const warm = Math.min(batchSize, samples.count);
  const width = samples.x.length / samples.count;
  await predictSamples(model, { ...samples, x: samples.x.subarray(0, warm * width), y: samples.y.subarray(0, warm), count: warm }, batchSize);
  const perPass: number[] = [];
  for (let p = 0; p < passes; p += 1) {
    const start = performance.now();
    await predictSamples(model, samples, batchSize);
    perPass.push((performance.now() - start) / samples.count);
  }
  return { batchSize, images: samples.count, passes, perImage: median([...perPass].sort((a, b) => a - b)) };
}
