import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';
import { reduceStrided, stridedReduction, type StridedReduction } from './strided-reduction.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { perBackend } from '../simd/backend-memory.js';
import { ColumnSumSimd } from '../simd/column-sum.js';

const columnSumFor = perBackend((memory) => new ColumnSumSimd(memory), 'Sum');

/** `out[o, i] = sum over r of x[o, r, i]` for float32 tensors on the heap, by the SIMD column sum, in the stock kernel's order. */
function reduceStridedSimd(backend: BackendWasm, x: TensorInfo, out: TensorInfo, plan: StridedReduction): void {
  const columnSum = columnSumFor(backend);
  const xOffset = backend.dataIdMap.get(x.dataId).memoryOffset;
  const outOffset = backend.dataIdMap.get(out.dataId).memoryOffset;
  for (let o = 0; o < plan.outer; o++) columnSum.sum(outOffset + o * plan.inner * 4, xOffset + o * plan.reduced * plan.inner * 4, plan.reduced, plan.inner);
}

/**
 * kdlab's `Sum` for wasm. Summing over leading or middle axes (bias gradients: `[n, h, w, c] -> [c]`)
 * makes the original transpose the whole tensor first; this one adds rows in place instead (float32:
 * four columns at a time, by a small SIMD function of kdlab's own), in the original's order, so the
 * result is bit-identical. Innermost reductions, non-contiguous axes and
 * dtypes other than float32/int32 go to the original kernel.
 */
export function createSum(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Sum');
    return runWithWasmOps(primitives, backend, (ops) => {
      const plan = x.dtype === 'float32' || x.dtype === 'int32' ? stridedReduction(x.shape, attrs['axis'] as number | number[], attrs['keepDims'] === true) : undefined;
      if (plan === undefined) return ops.run('Sum', { x }, attrs);
      const out = ops.output(plan.outShape, x.dtype);
      if (x.dtype === 'float32') reduceStridedSimd(backend, x, out, plan);
      else reduceStrided(backend.typedArrayFromHeap(x) as Int32Array, backend.typedArrayFromHeap(out) as Int32Array, plan);
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
      reduceStridedSimd(backend, x, out, plan);
      const sums = backend.typedArrayFromHeap(out) as Float32Array;
      for (let index = 0; index < sums.length; index++) sums[index]! /= plan.reduced;
      return out;
    });
  };
}
