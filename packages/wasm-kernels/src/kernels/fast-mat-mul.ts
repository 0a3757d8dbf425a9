import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { matMulGeometry } from './mat-mul-geometry.js';
import type { MatMulGeometry } from './mat-mul-geometry.js';
import { rowMajorMatrices } from './row-major.js';
import { broadcastBatchIndices } from './broadcast-batch.js';

/**
 * Below this many multiply-adds per matrix, a batch of matrix products stays in the original wasm
 * loop: launching one XNNPACK product per matrix costs more than it saves.
 */
export const MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT = 8_192;

/**
 * `op(a) @ op(b)` for float32 tensors, reorganised so that the work runs through XNNPACK, which the
 * wasm backend only uses for a single product without transposes:
 * - transposed operands are materialised with the wasm `Transpose` kernel first;
 * - a batch of `a` against a single `b` becomes one tall product `[batch * rows, inner] @ b`;
 * - a single `a` against a batch of `b` becomes one wide product `a @ [inner, batch * columns]`;
 * - two batches run one XNNPACK product per result matrix over zero-copy views, broadcasting as
 *   numpy does (the original wasm kernel does not broadcast batches); equal batches of small products
 *   (under {@link MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT} multiply-adds each) stay in the original
 *   kernel's loop.
 * The caller owns the result.
 */
export function fastMatMul(ops: WasmOps, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const geometry = matMulGeometry(a, b, transposeA, transposeB);
  const { rows, inner, columns, batchA, batchB, outShape } = geometry;
  if (rows * inner * columns === 0) return ops.originalMatMul(a, b, transposeA, transposeB);
  if (batchB === 1) {
    if (transposeA || transposeB ? preferSwapped(geometry, transposeA, transposeB) : freshRightOperandPrefersSwapped(b, geometry)) {
      return ops.reshape(swappedProduct(ops, a, b, transposeA, transposeB, geometry), outShape);
    }
    const left = ops.reshape(rowMajorMatrices(ops, a, batchA, rows, inner, transposeA), [batchA * rows, inner]);
    const right = ops.reshape(rowMajorMatrices(ops, b, 1, inner, columns, transposeB), [inner, columns]);
    return ops.reshape(ops.plainMatMul(left, right), outShape);
  }
  if (batchA === 1) {
    const left = ops.reshape(rowMajorMatrices(ops, a, 1, rows, inner, transposeA), [rows, inner]);
    const right = batchedColumnsSideBySide(ops, b, batchB, inner, columns, transposeB);
    const wide = ops.reshape(ops.plainMatMul(left, right), [rows, batchB, columns]);
    return ops.reshape(ops.transpose(wide, [1, 0, 2]), outShape);
  }
  if (geometry.sameBatchShape && rows * inner * columns < MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT) {
    return ops.originalMatMul(a, b, transposeA, transposeB);
  }
  return productPerMatrix(ops, a, b, transposeA, transposeB, geometry);
}

/** Measured cost of the wasm `Transpose` kernel, in nanoseconds per element (2-D, float32). */
const TRANSPOSE_NS_PER_ELEMENT = 1.5;
/** Measured cost of XNNPACK packing a fresh right operand, in nanoseconds per element. */
const PACK_NS_PER_ELEMENT = 3.8;

/** Elements a copy moves to materialise a `rows x columns` matrix stored transposed (none for vectors). */
function transposeCopy(rows: number, columns: number): number {
  return rows === 1 || columns === 1 ? 0 : rows * columns;
}

/**
 * Whether `op(a) @ b'` (a single right matrix) costs less computed as `(op(b)^T @ op(a)^T)^T`. XNNPACK
 * packs the right operand on every call (it is a fresh tensor), so for `dy @ W^T` it is cheaper to
 * transpose the small `dy` and the small result than the large `W`. (Products without transposes are
 * decided by {@link freshRightOperandPrefersSwapped}.)
 */
function preferSwapped(geometry: MatMulGeometry, transposeA: boolean, transposeB: boolean): boolean {
  const { rows, inner, columns, batchA } = geometry;
  const tallRows = batchA * rows;
  const direct =
    TRANSPOSE_NS_PER_ELEMENT * ((transposeA ? transposeCopy(tallRows, inner) : 0) + (transposeB ? transposeCopy(inner, columns) : 0)) +
    PACK_NS_PER_ELEMENT * inner * columns;
  const swappedLeftCopy = transposeB ? 0 : transposeCopy(inner, columns);
  const swappedRightCopy = batchA === 1 && transposeA ? 0 : transposeCopy(tallRows, inner);
  const swapped =
    TRANSPOSE_NS_PER_ELEMENT * (swappedLeftCopy + swappedRightCopy + transposeCopy(tallRows, columns)) + PACK_NS_PER_ELEMENT * inner * tallRows;
  return swapped < direct;
}

/**
 * Right operands of plain products seen before, by their data: XNNPACK keeps the packing it made
 * for a tensor, so a weight used again (the batches of an evaluation) is best multiplied directly.
 */
const seenRightOperands = new WeakSet<object>();

/**
 * Whether a plain product `a @ b` costs less as `(b^T @ a^T)^T` because `b` is seen for the first time:
 * in training every step updates the weights, so XNNPACK packs each weight afresh (about 3.8 ns per
 * element, 2.2 ms for a 784x800 weight) where the swapped product transposes it and packs only the
 * batch (measured: 8.7 -> 7.8 ms for `[128, 784] @ [784, 800]`). The second time a tensor is a right
 * operand it runs directly, on its cached packing.
 */
function freshRightOperandPrefersSwapped(b: TensorInfo, geometry: MatMulGeometry): boolean {
  const data = b.dataId as object;
  if (seenRightOperands.has(data)) return false;
  seenRightOperands.add(data);
  const { rows, inner, columns, batchA } = geometry;
  const tallRows = batchA * rows;
  const direct = PACK_NS_PER_ELEMENT * inner * columns;
  const swapped = TRANSPOSE_NS_PER_ELEMENT * (transposeCopy(inner, columns) + transposeCopy(tallRows, inner) + transposeCopy(tallRows, columns)) + PACK_NS_PER_ELEMENT * inner * tallRows;
  return swapped < direct;
}

/** `(op(b)^T @ op(a)^T)^T` as `[batchA * rows, columns]`, for a single right matrix. */
function swappedProduct(ops: WasmOps, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, geometry: MatMulGeometry): TensorInfo {
  const { rows, inner, columns, batchA } = geometry;
  const left = ops.reshape(rowMajorMatrices(ops, b, 1, columns, inner, !transposeB), [columns, inner]);
  const right =
    batchA === 1
      ? ops.reshape(rowMajorMatrices(ops, a, 1, inner, rows, !transposeA), [inner, rows])
      : ops.reshape(ops.transpose(ops.reshape(a, transposeA ? [batchA, inner, rows] : [batchA, rows, inner]), transposeA ? [1, 0, 2] : [2, 0, 1]), [inner, batchA * rows]);
  const productTransposed = ops.plainMatMul(left, right);
  return rowMajorMatrices(ops, productTransposed, 1, batchA * rows, columns, true);
}

/** `b`'s `batch` matrices `[inner, columns]` placed side by side as one `[inner, batch * columns]` matrix. */
function batchedColumnsSideBySide(ops: WasmOps, b: TensorInfo, batch: number, inner: number, columns: number, transposed: boolean): TensorInfo {
  const sideBySide = transposed
    ? ops.transpose(ops.reshape(b, [batch, columns, inner]), [2, 0, 1])
    : ops.transpose(ops.reshape(b, [batch, inner, columns]), [1, 0, 2]);
  return ops.reshape(sideBySide, [inner, batch * columns]);
}

/**
 * One XNNPACK product per result matrix, over zero-copy views of the operands' matrices (batches
 * broadcast against each other, which the original wasm kernel does not support), written into one
 * result.
 */
function productPerMatrix(ops: WasmOps, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, geometry: MatMulGeometry): TensorInfo {
  const { rows, inner, columns, batchA, batchB, outShape } = geometry;
  const outBatchShape = outShape.slice(0, -2);
  const leftIndices = broadcastBatchIndices(a.shape.slice(0, -2), outBatchShape);
  const rightIndices = broadcastBatchIndices(b.shape.slice(0, -2), outBatchShape);
  const left = rowMajorMatrices(ops, a, batchA, rows, inner, transposeA);
  const right = rowMajorMatrices(ops, b, batchB, inner, columns, transposeB);
  const result = ops.output([leftIndices.length, rows, columns], 'float32');
  leftIndices.forEach((leftIndex, index) => {
    const leftMatrix = ops.view(left, leftIndex * rows * inner, [rows, inner]);
    const rightMatrix = ops.view(right, rightIndices[index]! * inner * columns, [inner, columns]);
    const product = ops.plainMatMul(leftMatrix, rightMatrix);
    ops.copyInto(result, index * rows * columns, product);
    ops.dispose(product);
    ops.dispose(leftMatrix);
    ops.dispose(rightMatrix);
  });
  return ops.reshape(result, outShape);
}
