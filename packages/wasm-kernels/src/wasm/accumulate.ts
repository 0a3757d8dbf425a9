import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from './wasm-ops.js';

/**
 * Adds `part` into a running total, freeing both inputs: the first part becomes the total. Used by
 * kernels that compute a result in slices (groups of examples, depthwise multipliers) and sum them.
 */
export function accumulate(ops: WasmOps, total: TensorInfo | undefined, part: TensorInfo): TensorInfo {
  if (total === undefined) return part;
  const sum = ops.add(total, part);
  ops.dispose(total);
  ops.dispose(part);
  return sum;
}
