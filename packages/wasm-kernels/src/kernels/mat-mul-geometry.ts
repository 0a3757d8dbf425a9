import { broadcast_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The shapes of one (batched) matrix product `op(a) @ op(b)`, as tfjs' `BatchMatMul` defines it. */
export interface MatMulGeometry {
  /** Rows of `op(a)`. */
  rows: number;
  /** Columns of `op(a)`, rows of `op(b)`. */
  inner: number;
  /** Columns of `op(b)`. */
  columns: number;
  /** Number of matrices in `a` (product of its leading axes). */
  batchA: number;
  /** Number of matrices in `b`. */
  batchB: number;
  /** Whether `a` and `b` have the same leading axes (no broadcasting between batches). */
  sameBatchShape: boolean;
  /** Shape of the result: broadcast leading axes, then `[rows, columns]`. */
  outShape: number[];
}

/**
 * Computes the geometry of `op(a) @ op(b)`.
 * @throws Error naming both shapes when the inner sizes or the leading axes do not match.
 */
export function matMulGeometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulGeometry {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`@kdlab/wasm-kernels BatchMatMul: operands need rank >= 2, got a [${a.shape}] and b [${b.shape}]`);
  }
  const [aSecondLast, aLast] = a.shape.slice(-2) as [number, number];
  const [bSecondLast, bLast] = b.shape.slice(-2) as [number, number];
  const rows = transposeA ? aLast : aSecondLast;
  const inner = transposeA ? aSecondLast : aLast;
  const innerB = transposeB ? bLast : bSecondLast;
  const columns = transposeB ? bSecondLast : bLast;
  if (inner !== innerB) {
    throw new Error(
      `@kdlab/wasm-kernels BatchMatMul: inner sizes ${inner} and ${innerB} differ for a [${a.shape}] and b [${b.shape}] ` +
        `(transposeA=${transposeA}, transposeB=${transposeB})`,
    );
  }
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const outBatchShape = broadcast_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  return {
    rows,
    inner,
    columns,
    batchA: util.sizeFromShape(batchShapeA),
    batchB: util.sizeFromShape(batchShapeB),
    sameBatchShape: util.arraysEqual(batchShapeA, batchShapeB),
    outShape: [...outBatchShape, rows, columns],
  };
}
