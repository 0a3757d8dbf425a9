import type * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, unregisterWasmKernels } from '../../src/index.js';
import type { InputData, Outputs } from './backends.js';
import { runOn } from './backends.js';

/** Runs `compute` on wasm with tfjs' own kernels (kdlab's unregistered meanwhile). */
export async function runOnStockWasm(inputs: InputData[], compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<Outputs> {
  unregisterWasmKernels();
  try {
    return await runOn('wasm', inputs, compute);
  } finally {
    registerWasmKernels();
  }
}

/** Whether two results are equal bit for bit. */
export function bitIdentical(first: Outputs, second: Outputs): boolean {
  if (first.values.length !== second.values.length) return false;
  return first.values.every((values, output) => {
    const other = second.values[output]!;
    if (values.byteLength !== other.byteLength) return false;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const otherBytes = new Uint8Array(other.buffer, other.byteOffset, other.byteLength);
    return bytes.every((byte, index) => byte === otherBytes[index]);
  });
}
