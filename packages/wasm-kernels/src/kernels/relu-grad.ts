import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { perBackend } from '../simd/backend-memory.js';
import { ReluGradSimd } from '../simd/relu-grad.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { requireInput } from './require-input.js';

/** The name of kdlab's ReLU-gradient kernel: inputs `dy` and `x` (float32, one shape), output `dy * step(x)`. */
export const RELU_GRAD_KERNEL_NAME = 'KdlabReluGrad';

const reluGradFor = perBackend((memory) => new ReluGradSimd(memory), RELU_GRAD_KERNEL_NAME);

/**
 * kdlab's ReLU gradient for wasm: `dy * step(x)` in one SIMD pass ({@link ReluGradSimd}), where tfjs
 * runs `Step` and then `Multiply` (two passes and a tensor the size of the activations);
 * bit-identical to them. Used by kdlab's `Relu` gradient on wasm.
 * @throws Error naming both when the inputs are not float32 of one shape.
 */
export function createReluGrad(_primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend }: WasmKernelArgs): TensorInfo => {
    const dy = requireInput(inputs, 'dy', RELU_GRAD_KERNEL_NAME);
    const x = requireInput(inputs, 'x', RELU_GRAD_KERNEL_NAME);
    if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !util.arraysEqual(dy.shape, x.shape)) {
      throw new Error(`${RELU_GRAD_KERNEL_NAME}: needs float32 dy and x of one shape, got dy ${dy.dtype} [${dy.shape.join(', ')}] and x ${x.dtype} [${x.shape.join(', ')}]`);
    }
    const dx = backend.makeOutput(x.shape, 'float32');
    const offset = (tensor: TensorInfo): number => backend.dataIdMap.get(tensor.dataId).memoryOffset;
    reluGradFor(backend).run(offset(dx), offset(dy), offset(x), util.sizeFromShape(x.shape));
    return dx;
  };
}
