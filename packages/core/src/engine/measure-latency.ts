import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';

/**
 * Median wall time, in milliseconds, of one inference forward pass on a single example
 * (after warm-up runs), the number the `model/latency_ms` metric reports.
 */
export async function measureLatencyMs(model: Model, repeats = 30, warmup = 5): Promise<number> {
  const x = tf.zeros([1, ...model.inputShape]);
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + repeats; i += 1) {
      const start = performance.now();
      const logits = tf.tidy(() => model.forward(x, { training: false }).logits);
      await logits.data();
      logits.dispose();
      if (i >= warmup) times.push(performance.now() - start);
    }
  } finally {
    x.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
