import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../wasm/wasm-ops.js';

/**
 * `x` as a contiguous `[batch, rows, columns]` tensor of matrices. When `transposed`, `x` holds the
 * matrices transposed (`[batch, columns, rows]`) and they are materialised with the wasm `Transpose`
 * kernel; a transposed vector needs no copy.
 */
export function rowMajorMatrices(ops: WasmOps, x: TensorInfo, batch: number, rows: number, columns: number, transposed: boolean): TensorInfo {
  if (!transposed || rows === 1 || columns === 1) return ops.reshape(x, [batch, rows, columns]);
  return ops.transposeMatrices(ops.reshape(x, [batch, columns, rows]));
}
