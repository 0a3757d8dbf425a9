import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../wasm/wasm-ops.js';

/** The activation attributes and inputs of tfjs' fused kernels. */
export interface FusedActivation {
  /** `linear`, `relu`, `relu6`, `elu`, `sigmoid`, `prelu` or `leakyrelu`. */
  activation: string;
  /** PReLU slopes (broadcast against `x`) for `prelu`. */
  preluActivationWeights: TensorInfo | undefined;
  /** Slope for `leakyrelu`. */
  leakyreluAlpha: number;
}

/**
 * `x` through the activation of a fused kernel, with the wasm element-wise kernels. PReLU is
 * `relu(x) + weights * min(x, 0)` with numpy broadcasting (the wasm `Prelu` kernel repeats its
 * weights over the flat tensor, which is only right for weights shaped like the trailing axes).
 * @throws Error naming the activation when it is not one tfjs fuses.
 */
export function applyFusedActivation(ops: WasmOps, x: TensorInfo, { activation, preluActivationWeights, leakyreluAlpha }: FusedActivation): TensorInfo {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return ops.run('Relu', { x });
    case 'relu6':
      return ops.run('Relu6', { x });
    case 'elu':
      return ops.run('Elu', { x });
    case 'sigmoid':
      return ops.run('Sigmoid', { x });
    case 'leakyrelu':
      return ops.run('LeakyRelu', { x }, { alpha: leakyreluAlpha });
    case 'prelu': {
      if (preluActivationWeights === undefined) throw new Error(`@kdlab/wasm-kernels _FusedMatMul: prelu activation without preluActivationWeights`);
      const negativePart = ops.run('Minimum', { a: x, b: ops.zeros([], 'float32') });
      return ops.add(ops.run('Relu', { x }), ops.multiply(negativePart, preluActivationWeights));
    }
    default:
      throw new Error(`@kdlab/wasm-kernels _FusedMatMul: unknown activation '${activation}'`);
  }
}

/** Whether weights of `weightsShape`, repeated over a flat tensor of `outShape`, broadcast like numpy. */
export function repeatsOverFlatTensor(weightsShape: number[], outShape: number[]): boolean {
  const firstSignificant = weightsShape.findIndex((size) => size !== 1);
  const significant = firstSignificant < 0 ? [] : weightsShape.slice(firstSignificant);
  if (significant.length > outShape.length) return false;
  return significant.every((size, index) => size === outShape[outShape.length - significant.length + index]);
}
