import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `UnsortedSegmentSum` for wasm, which has none (it is the gradient of `gather`, so of every
 * embedding). With TensorFlow's semantics: ids of rank r label the first r axes of `x`, and
 * `out[s, ...rest] = sum of x[i..., ...rest] over the positions i... whose id is s`, shaped
 * `[numSegments, ...x.shape.slice(r)]`; ids outside `[0, numSegments)` are dropped. (tfjs' cpu kernel
 * agrees for rank-1 ids, the only ones tfjs' gradients use, and fails for higher ranks.) One pass
 * over `x` in order on the wasm heap, so the sums are deterministic.
 * @throws Error naming the shapes when the ids do not match the leading axes of `x`.
 */
export function createUnsortedSegmentSum(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'UnsortedSegmentSum');
    const segmentIds = requireInput(inputs, 'segmentIds', 'UnsortedSegmentSum');
    const numSegments = attrs['numSegments'] as number;
    const idsShape = segmentIds.shape;
    if (idsShape.length === 0 || idsShape.length > x.shape.length || !util.arraysEqual(idsShape, x.shape.slice(0, idsShape.length))) {
      throw new Error(`@kdlab/wasm-kernels UnsortedSegmentSum: segmentIds [${idsShape}] must match the leading axes of x [${x.shape}]`);
    }
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new Error(`@kdlab/wasm-kernels UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}`);
    }
    return runWithWasmOps(primitives, backend, (ops) => {
      const segmentShape = x.shape.slice(idsShape.length);
      const segmentSize = util.sizeFromShape(segmentShape);
      const result = ops.zeros([numSegments, ...segmentShape], x.dtype);
      const values = backend.typedArrayFromHeap(x);
      const ids = backend.typedArrayFromHeap(segmentIds);
      const sums = backend.typedArrayFromHeap(result);
      for (let position = 0; position < ids.length; position++) {
        const segment = ids[position]!;
        if (segment < 0 || segment >= numSegments) continue;
        const from = position * segmentSize;
        const to = segment * segmentSize;
        for (let k = 0; k < segmentSize; k++) sums[to + k]! += values[from + k]!;
      }
      return result;
    });
  };
}
