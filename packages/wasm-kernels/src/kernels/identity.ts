import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `Identity` (`tf.clone`, which tfjs calls around many ops while recording gradients) for
 * wasm. The original copies the tensor; this one shares its memory, as tfjs' cpu kernel does (tfjs
 * never writes into a tensor after it is made). String tensors go to the original kernel.
 */
export function createIdentity(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Identity');
    return runWithWasmOps(primitives, backend, (ops) => (x.dtype === 'string' ? ops.run('Identity', { x }) : ops.reshape(x, x.shape)));
  };
}
