import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `Cast` for wasm. tfjs' ReLU gradient casts a float32 step to float32, and the original
 * copies the whole tensor to do so; a cast to the same dtype here shares the input's memory instead,
 * as `Reshape` does (tfjs never writes into a tensor after it is made). Other casts go to the
 * original kernel.
 */
export function createCast(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Cast');
    return runWithWasmOps(primitives, backend, (ops) => (attrs['dtype'] === x.dtype ? ops.reshape(x, x.shape) : ops.run('Cast', { x }, attrs)));
  };
}
