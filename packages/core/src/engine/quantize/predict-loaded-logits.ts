import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { inputRows } from '../../data/byte-inputs.js';
import type { DataSplit } from '../../data/dataset.js';

/**
 * Runs a loaded `tf.LayersModel` (a kdlab model read back with `tf.loadLayersModel`) over a whole
 * split in inference mode and returns its logits, row-major. A kdlab model's outputs are
 * `[logits, ...taps]`: the first output is taken.
 *
 * @param model - the loaded model.
 * @param split - the examples.
 * @param inputShape - one example's shape, without the batch dimension.
 * @param batchSize - examples per forward pass.
 */
export async function predictLoadedLogits(model: tfl.LayersModel, split: DataSplit, inputShape: readonly number[], batchSize: number): Promise<Float32Array> {
  const width = inputShape.reduce((a, b) => a * b, 1);
  let out: Float32Array | undefined;
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor(inputRows(split, start, size, width), [size, ...inputShape]);
      const outputs = model.predict(x);
      return Array.isArray(outputs) ? outputs[0]! : outputs;
    });
    const numClasses = logits.shape[logits.shape.length - 1]!;
    out ??= new Float32Array(split.count * numClasses);
    out.set(await logits.data(), start * numClasses);
    logits.dispose();
  }
  return out ?? new Float32Array(0);
}
