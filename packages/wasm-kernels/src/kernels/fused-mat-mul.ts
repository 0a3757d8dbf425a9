import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { fastMatMul, MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT } from './fast-mat-mul.js';
import { applyFusedActivation, repeatsOverFlatTensor } from './fused-activation.js';
import type { FusedActivation } from './fused-activation.js';
import { matMulGeometry } from './mat-mul-geometry.js';
import type { MatMulGeometry } from './mat-mul-geometry.js';
import { requireInput } from './require-input.js';
import { rowMajorMatrices } from './row-major.js';

/**
 * kdlab's `_FusedMatMul` (matmul + bias + activation) for wasm. The original fuses through XNNPACK
 * only for a single product without transposes, and its loop for the other cases adds the bias
 * wrongly to every row but the first. This one calls the original's XNNPACK path on row-major
 * operands (transposes materialised, a batch of `a` against one `b` folded into one tall product,
 * equal batches of large matrices one product per matrix), and otherwise computes the product with
 * the fast matmul and adds the bias and the activation with element-wise wasm kernels.
 * Non-float32 operands go to the original kernel, which reports them.
 */
export function createFusedMatMul(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const a = requireInput(inputs, 'a', '_FusedMatMul');
    const b = requireInput(inputs, 'b', '_FusedMatMul');
    const bias = inputs['bias'];
    const activation: FusedActivation = {
      activation: (attrs['activation'] as string | undefined) ?? 'linear',
      preluActivationWeights: inputs['preluActivationWeights'],
      leakyreluAlpha: (attrs['leakyreluAlpha'] as number | undefined) ?? 0.2,
    };
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const fused = { bias, preluActivationWeights: activation.preluActivationWeights };
    return runWithWasmOps(primitives, backend, (ops) => {
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return ops.plainFusedMatMul(a, b, fused, attrs, transposeA, transposeB);
      const geometry = matMulGeometry(a, b, transposeA, transposeB);
      const fusable = isFusable(geometry, bias, activation);
      const call: FusableProduct = { a, b, transposeA, transposeB, geometry, fused, attrs };
      if (fusable && geometry.batchB === 1) return tallFusedProduct(ops, call);
      if (fusable && geometry.sameBatchShape && geometry.rows * geometry.inner * geometry.columns >= MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT) {
        return fusedProductPerMatrix(ops, call);
      }
      const product = fastMatMul(ops, a, b, transposeA, transposeB);
      return applyFusedActivation(ops, bias === undefined ? product : ops.add(product, bias), activation);
    });
  };
}

/** Whether the original kernel's XNNPACK path computes this bias and activation right. */
function isFusable(geometry: MatMulGeometry, bias: TensorInfo | undefined, activation: FusedActivation): boolean {
  if (geometry.rows * geometry.inner * geometry.columns === 0) return false;
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== geometry.columns)) return false;
  const weights = activation.preluActivationWeights;
  if (activation.activation !== 'prelu' || weights === undefined) return true;
  return repeatsOverFlatTensor(weights.shape, [geometry.rows, geometry.columns]);
}

/** A float32 `_FusedMatMul` that the original kernel's XNNPACK path computes right (see {@link isFusable}). */
interface FusableProduct {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  geometry: MatMulGeometry;
  /** The bias and PReLU weights, as the original kernel takes them. */
  fused: { bias: TensorInfo | undefined; preluActivationWeights: TensorInfo | undefined };
  attrs: NamedAttrMap;
}

/** A batch of `a` (or one matrix) against one `b`, as one tall XNNPACK product with bias and activation. */
function tallFusedProduct(ops: WasmOps, { a, b, transposeA, transposeB, geometry, fused, attrs }: FusableProduct): TensorInfo {
  const { rows, inner, columns, batchA } = geometry;
  const left = ops.reshape(rowMajorMatrices(ops, a, batchA, rows, inner, transposeA), [1, batchA * rows, inner]);
  const right = rowMajorMatrices(ops, b, 1, inner, columns, transposeB);
  const product = ops.plainFusedMatMul(left, right, fused, attrs);
  return ops.reshape(product, geometry.outShape);
}

/** One fused XNNPACK product per matrix of two equal batches, written into one result. */
function fusedProductPerMatrix(ops: WasmOps, { a, b, transposeA, transposeB, geometry, fused, attrs }: FusableProduct): TensorInfo {
  const { rows, inner, columns, batchA: batch, outShape } = geometry;
  const left = rowMajorMatrices(ops, a, batch, rows, inner, transposeA);
  const right = rowMajorMatrices(ops, b, batch, inner, columns, transposeB);
  const result = ops.output([batch, rows, columns], 'float32');
  for (let index = 0; index < batch; index++) {
    const leftMatrix = ops.view(left, index * rows * inner, [1, rows, inner]);
    const rightMatrix = ops.view(right, index * inner * columns, [1, inner, columns]);
    const product = ops.plainFusedMatMul(leftMatrix, rightMatrix, fused, attrs);
    ops.copyInto(result, index * rows * columns, product);
    ops.dispose(product);
    ops.dispose(leftMatrix);
    ops.dispose(rightMatrix);
  }
  return ops.reshape(result, outShape);
}
