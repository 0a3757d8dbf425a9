import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';
import { reduceStrided, stridedReduction } from './strided-reduction.js';

/**
 * kdlab's `Sum` for wasm. Summing over leading or middle axes (bias gradients: `[n, h, w, c] -> [c]`)
 * makes the original transpose the whole tensor first; this one adds rows in place instead, in the
 * original's order, so the result is bit-identical. Innermost reductions, non-contiguous axes and
 * dtypes other than float32/int32 go to the original kernel.
 */
export function createSum(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Sum');
    return runWithWasmOps(primitives, backend, (ops) => {
      const plan = x.dtype === 'float32' || x.dtype === 'int32' ? stridedReduction(x.shape, attrs['axis'] as number | number[], attrs['keepDims'] === true) : undefined;
      if (plan === undefined) return ops.run('Sum', { x }, attrs);
      const out = ops.output(plan.outShape, x.dtype);
      reduceStrided(backend.typedArrayFromHeap(x) as Float32Array | Int32Array, backend.typedArrayFromHeap(out) as Float32Array | Int32Array, plan);
      return out;
    });
  };
}

/**
 * kdlab's `Mean` for wasm: like {@link createSum} (batch-norm statistics and global average pooling
 * reduce non-innermost axes), bit-identical to the original; float32 only, the rest goes to the
 * original kernel.
 */
export function createMean(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Mean');
    return runWithWasmOps(primitives, backend, (ops) => {
      const plan = x.dtype === 'float32' ? stridedReduction(x.shape, attrs['axis'] as number | number[], attrs['keepDims'] === true) : undefined;
      if (plan === undefined) return ops.run('Mean', { x }, attrs);
      const out = ops.output(plan.outShape, 'float32');
      reduceStrided(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, plan, plan.reduced);
      return out;
    });
  };
}
