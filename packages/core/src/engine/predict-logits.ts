import * as tf from '@tensorflow/tfjs-core';
import { decodeInputRowsInto, inputRows } from '../data/byte-inputs.js';
import type { DataSplit } from '../data/dataset.js';
import type { Model } from '../model/model.js';

/**
 * Runs a model in inference mode over a whole split and returns its logits, row-major
 * (`count * numClasses` floats). Used for evaluation and for the teacher's cached outputs.
 *
 * A split held as bytes is decoded batch by batch into one float buffer that every batch reuses
 * (each batch's logits are read back before the next batch is decoded into it), not into a fresh
 * array per batch: evaluating MNIST's test split at 512 rows a batch would otherwise leave 30 MiB of
 * garbage per pass for V8 to collect (bench/native/MEMORY.md, section 6). The values are the same.
 */
export async function predictLogits(model: Model, split: DataSplit, batchSize: number): Promise<Float32Array> {
  const width = model.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(split.count * model.numClasses);
  const decoded = split.bytes === undefined ? undefined : new Float32Array(Math.min(batchSize, split.count) * width);
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const rows = decoded === undefined ? inputRows(split, start, size, width) : decodeRows(split, start, size, width, decoded);
    const logits = tf.tidy(() => {
      const x = tf.tensor(rows, [size, ...model.inputShape]);
      return model.forward(x, { training: false }).logits;
    });
    out.set(await logits.data(), start * model.numClasses);
    logits.dispose();
  }
  return out;
}

/** Decodes rows `[start, start + size)` of a split into the front of `buffer`; returns that part. */
function decodeRows(split: DataSplit, start: number, size: number, width: number, buffer: Float32Array): Float32Array {
  for (let k = 0; k < size; k++) decodeInputRowsInto(split, start + k, width, buffer, k * width);
  return size * width === buffer.length ? buffer : buffer.subarray(0, size * width);
}
