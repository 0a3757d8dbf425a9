import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../wasm/wasm-ops.js';

/**
 * NHWC `x` with `strideRows - 1` zero rows after every row and `strideColumns - 1` zero columns
 * after every column (trailing zeros included): `[n, h * strideRows, w * strideColumns, c]`.
 */
export function dilateSpatially(ops: WasmOps, x: TensorInfo, strideRows: number, strideColumns: number): TensorInfo {
  if (strideRows === 1 && strideColumns === 1) return x;
  const [batch, rows, columns, channels] = x.shape as [number, number, number, number];
  const spread = ops.pad(ops.reshape(x, [batch, rows, 1, columns, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, strideRows - 1],
    [0, 0],
    [0, strideColumns - 1],
    [0, 0],
  ]);
  return ops.reshape(spread, [batch, rows * strideRows, columns * strideColumns, channels]);
}

/** NHWC `x` cut to its first `rows` x `columns` pixels (no copy when it already has that size). */
export function cropSpatially(ops: WasmOps, x: TensorInfo, rows: number, columns: number): TensorInfo {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  if (height === rows && width === columns) return x;
  return ops.slice(x, [0, 0, 0, 0], [batch, rows, columns, channels]);
}
