import { util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT } from './fast-mat-mul.js';
import { matMulGeometry } from './mat-mul-geometry.js';
import type { MatMulGeometry } from './mat-mul-geometry.js';
import { requireInput } from './require-input.js';
import { rowMajorMatrices } from './row-major.js';

/** The inputs of `_FusedMatMul` besides `a` and `b`. */
interface FusedExtras {
  /** Rank-1 bias added to every row, when present. */
  bias: TensorInfo | undefined;
  /** PReLU weights, when the activation is `prelu`. */
  preluActivationWeights: TensorInfo | undefined;
}

/**
 * kdlab's `_FusedMatMul` (matmul + bias + activation) for wasm. The original runs XNNPACK only for a
 * single product without transposes; this one materialises transposes, folds a batch of `a` against
 * a single `b` into one tall product, and runs equal batches one XNNPACK product per matrix, each
 * time calling the original kernel with the bias and activation. Other cases (non-float32, a bias
 * that is not rank 1, broadcasting batches, small batched products) go to the original kernel.
 */
export function createFusedMatMul(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const a = requireInput(inputs, 'a', '_FusedMatMul');
    const b = requireInput(inputs, 'b', '_FusedMatMul');
    const extras: FusedExtras = { bias: inputs['bias'], preluActivationWeights: inputs['preluActivationWeights'] };
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    return runWithWasmOps(primitives, backend, (ops) => {
      const original = (): TensorInfo => ops.plainFusedMatMul(a, b, { ...extras }, attrs, transposeA, transposeB);
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return original();
      if (extras.bias !== undefined && extras.bias.shape.length !== 1) return original();
      const geometry = matMulGeometry(a, b, transposeA, transposeB);
      const { rows, inner, columns, batchA, batchB } = geometry;
      if (rows * inner * columns === 0) return original();
      if (batchB === 1) {
        const left = ops.reshape(rowMajorMatrices(ops, a, batchA, rows, inner, transposeA), [1, batchA * rows, inner]);
        const right = rowMajorMatrices(ops, b, 1, inner, columns, transposeB);
        return ops.reshape(ops.plainFusedMatMul(left, right, { ...extras }, attrs), geometry.outShape);
      }
      if (!perMatrixApplies(geometry, attrs, extras)) return original();
      return fusedProductPerMatrix(ops, a, b, transposeA, transposeB, geometry, extras, attrs);
    });
  };
}

/** Whether equal batches may run one fused product per matrix (PReLU weights must repeat within a matrix). */
function perMatrixApplies(geometry: MatMulGeometry, attrs: NamedAttrMap, extras: FusedExtras): boolean {
  const { rows, inner, columns, batchA, batchB, sameBatchShape } = geometry;
  if (!sameBatchShape || batchA !== batchB || rows * inner * columns < MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT) return false;
  if (attrs['activation'] !== 'prelu') return true;
  const weights = extras.preluActivationWeights;
  return weights !== undefined && (rows * columns) % util.sizeFromShape(weights.shape) === 0;
}

/** One fused XNNPACK product per matrix of two equal batches, written into one result. */
function fusedProductPerMatrix(
  ops: WasmOps,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  geometry: MatMulGeometry,
  extras: FusedExtras,
  attrs: NamedAttrMap,
): TensorInfo {
  const { rows, inner, columns, batchA: batch, outShape } = geometry;
  const left = rowMajorMatrices(ops, a, batch, rows, inner, transposeA);
  const right = rowMajorMatrices(ops, b, batch, inner, columns, transposeB);
  const result = ops.output([batch, rows, columns], 'float32');
  for (let index = 0; index < batch; index++) {
    const leftMatrix = ops.view(left, index * rows * inner, [1, rows, inner]);
    const rightMatrix = ops.view(right, index * inner * columns, [1, inner, columns]);
    const product = ops.plainFusedMatMul(leftMatrix, rightMatrix, { ...extras }, attrs);
    ops.copyInto(result, index * rows * columns, product);
    ops.dispose(product);
    ops.dispose(leftMatrix);
    ops.dispose(rightMatrix);
  }
  return ops.reshape(result, outShape);
}
