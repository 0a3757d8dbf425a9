import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput } from '../kernels/require-input.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { perBackend } from '../simd/backend-memory.js';
import { AdamSimd, type AdamStepScalars } from './adam-simd-module.js';

/**
 * The name of kdlab's fused Adam kernel. Inputs `value`, `gradient`, `first`, `second` (float32, one
 * shape); attributes the {@link AdamStepScalars}; outputs `[value', first', second']`.
 */
export const ADAM_UPDATE_KERNEL_NAME = 'KdlabAdamUpdate';

/** The attribute names of {@link ADAM_UPDATE_KERNEL_NAME}, one per step scalar. */
const SCALAR_ATTRS = ['beta1', 'beta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'learningRate'] as const satisfies ReadonlyArray<keyof AdamStepScalars>;

const adamFor = perBackend((memory) => new AdamSimd(memory), ADAM_UPDATE_KERNEL_NAME);

/** Reads the step scalars from a kernel's attributes. */
export function adamScalarsFromAttrs(attrs: Record<string, unknown>): AdamStepScalars {
  const scalars = {} as Record<keyof AdamStepScalars, number>;
  for (const name of SCALAR_ATTRS) {
    const value = attrs[name];
    if (typeof value !== 'number') throw new Error(`${ADAM_UPDATE_KERNEL_NAME}: attribute '${name}' must be a number, got ${String(value)}`);
    scalars[name] = value;
  }
  return scalars;
}

/**
 * kdlab's fused Adam update for wasm: one SIMD pass over the variable's value, gradient and moments
 * on the wasm heap, writing three new tensors (tfjs' `AdamOptimizer` runs about 14 element-wise
 * kernels per variable). Bit-identical to tfjs' Adam. The `primitives` are unused: nothing falls back.
 * @throws Error naming the input whose dtype or shape differs from the value's.
 */
export function createAdamUpdate(_primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo[] => {
    const named = ['value', 'gradient', 'first', 'second'] as const;
    const [value, gradient, first, second] = named.map((name) => requireInput(inputs, name, ADAM_UPDATE_KERNEL_NAME)) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    for (const [index, tensor] of [value, gradient, first, second].entries()) {
      if (tensor.dtype !== 'float32' || !util.arraysEqual(tensor.shape, value.shape)) {
        throw new Error(
          `${ADAM_UPDATE_KERNEL_NAME}: '${named[index]}' is ${tensor.dtype} [${tensor.shape.join(', ')}]; every input must be float32 [${value.shape.join(', ')}] like 'value'`,
        );
      }
    }
    const scalars = adamScalarsFromAttrs(attrs);
    const outputs = [0, 1, 2].map(() => backend.makeOutput(value.shape, 'float32'));
    const offset = (tensor: TensorInfo): number => backend.dataIdMap.get(tensor.dataId).memoryOffset;
    const [valueOut, firstOut, secondOut] = outputs as [TensorInfo, TensorInfo, TensorInfo];
    adamFor(backend).update(
      {
        valueOut: offset(valueOut),
        firstOut: offset(firstOut),
        secondOut: offset(secondOut),
        value: offset(value),
        gradient: offset(gradient),
        first: offset(first),
        second: offset(second),
      },
      util.sizeFromShape(value.shape),
      scalars,
    );
    return outputs;
  };
}
