import type * as tf from '@tensorflow/tfjs-core';
import type { MetricPoint } from '../tracking/tracker.js';

/** One parameter tensor, for {@link sparseSize}. */
export interface SizedTensor {
  /** Its values, row-major. */
  values: ArrayLike<number>;
  /** Its shape. */
  shape: readonly number[];
  /** Whether it was pruned (stored sparse) or is left dense. */
  pruned: boolean;
}

/** The size of a model whose pruned tensors are stored sparse (see docs/compression.md). */
export interface SparseSize {
  /** Parameters in all. */
  params: number;
  /** Parameters that are not zero, in all. */
  nonzeroParams: number;
  /** Parameters of the pruned tensors. */
  prunedTensorParams: number;
  /** Parameters of the pruned tensors that are not zero. */
  prunedTensorNonzero: number;
  /** Fraction of zeros among the pruned tensors' parameters (what a pruning's `sparsity` targets). */
  sparsity: number;
  /** Fraction of zeros among all parameters. */
  sparsityAll: number;
  /** Bytes of the model stored with its pruned tensors sparse: {@link tensorSparseBytes} of each, plus 4 bytes per parameter of the others. */
  sparseBytes: number;
  /** Bytes stored dense: 4 per parameter. */
  denseBytes: number;
}

/**
 * The bytes of one pruned tensor stored sparse: `bytesPerValue` bytes per nonzero value (4 for
 * float32, 2 for float16, 1 for uint8), plus the cheaper of two ways of saying where they are:
 * - a bitmap of every position: `⌈n / 8⌉` bytes;
 * - CSR-style int32 indices, the tensor seen as a matrix of `n / last` rows and `last` columns (a
 *   kernel `[in, out]` as it is, a convolution `[h, w, in, out]` as `[h·w·in, out]`): a column index
 *   per nonzero value and a row pointer per row plus one, 4 bytes each.
 * A tensor is never counted above its dense size, `bytesPerValue · n` (a format would store it dense then).
 *
 * @param values - the tensor's values, row-major (a quantized tensor's as loaded back: its zeros stay exact).
 * @param shape - its shape.
 * @param bytesPerValue - bytes of one stored value; default 4 (float32).
 */
export function tensorSparseBytes(values: ArrayLike<number>, shape: readonly number[], bytesPerValue = 4): number {
  const size = values.length;
  let nonzero = 0;
  for (let i = 0; i < size; i += 1) if (values[i] !== 0) nonzero += 1;
  const columns = shape.length > 0 ? shape[shape.length - 1]! : 1;
  const rows = columns > 0 ? size / columns : 0;
  const bitmap = Math.ceil(size / 8);
  const csr = 4 * nonzero + 4 * (rows + 1);
  return Math.min(bytesPerValue * size, bytesPerValue * nonzero + Math.min(bitmap, csr));
}

/** A model's size with its pruned tensors stored sparse, and its zeros counted. */
export function sparseSize(tensors: readonly SizedTensor[]): SparseSize {
  const size: SparseSize = { params: 0, nonzeroParams: 0, prunedTensorParams: 0, prunedTensorNonzero: 0, sparsity: 0, sparsityAll: 0, sparseBytes: 0, denseBytes: 0 };
  for (const { values, shape, pruned } of tensors) {
    let nonzero = 0;
    for (let i = 0; i < values.length; i += 1) if (values[i] !== 0) nonzero += 1;
    size.params += values.length;
    size.nonzeroParams += nonzero;
    size.denseBytes += 4 * values.length;
    if (pruned) {
      size.prunedTensorParams += values.length;
      size.prunedTensorNonzero += nonzero;
      size.sparseBytes += tensorSparseBytes(values, shape);
    } else {
      size.sparseBytes += 4 * values.length;
    }
  }
  size.sparsity = size.prunedTensorParams > 0 ? 1 - size.prunedTensorNonzero / size.prunedTensorParams : 0;
  size.sparsityAll = size.params > 0 ? 1 - size.nonzeroParams / size.params : 0;
  return size;
}

/**
 * The sparse size of a model's trainable variables as they stand, the `pruned` ones stored sparse.
 * @param variables - the model's trainable variables (its parameters, as `model/params` counts them).
 */
export function measureSparseSize(variables: readonly tf.Variable[], pruned: readonly tf.Variable[]): SparseSize {
  const prunedSet = new Set(pruned);
  return sparseSize(variables.map((variable) => ({ values: variable.dataSync(), shape: variable.shape, pruned: prunedSet.has(variable) })));
}

/**
 * The metric points of a pruned model's size: `model/nonzero_params`, `model/sparsity` (over the
 * pruned tensors), `model/sparsity_all` (over all parameters) and `model/sparse_bytes`.
 */
export function sparseSizePoints(size: SparseSize, step: number, timestamp: number): MetricPoint[] {
  return [
    { key: 'model/nonzero_params', value: size.nonzeroParams, step, timestamp },
    { key: 'model/sparsity', value: size.sparsity, step, timestamp },
    { key: 'model/sparsity_all', value: size.sparsityAll, step, timestamp },
    { key: 'model/sparse_bytes', value: size.sparseBytes, step, timestamp },
  ];
}
