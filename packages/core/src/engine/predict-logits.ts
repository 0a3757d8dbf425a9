import * as tf from '@tensorflow/tfjs-core';
import { inputRows } from '../data/byte-inputs.js';
import type { DataSplit } from '../data/dataset.js';
import type { Model } from '../model/model.js';

/**
 * Runs a model in inference mode over a whole split and returns its logits, row-major
 * (`count * numClasses` floats). Used for evaluation and for the teacher's cached outputs.
 */
export async function predictLogits(model: Model, split: DataSplit, batchSize: number): Promise<Float32Array> {
  const width = model.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(split.count * model.numClasses);
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor(inputRows(split, start, size, width), [size, ...model.inputShape]);
      return model.forward(x, { training: false }).logits;
    });
    out.set(await logits.data(), start * model.numClasses);
    logits.dispose();
  }
  return out;
}
