import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `UnsortedSegmentSum` for wasm, which has none (it is the gradient of `gather`, so of every
 * embedding). `out[s, ...rest] = sum over i of x[i, ...rest] where segmentIds[i, ...] = s`, with the
 * cpu backend's shapes: ids of rank r cover the first r axes of `x`, the result is
 * `[numSegments, ...x.shape.slice(1)]`. Ids outside `[0, numSegments)` are dropped. One pass over `x`
 * in order on the wasm heap, so the sums are deterministic.
 * @throws Error naming the shapes when the ids do not cover the leading axes of `x`.
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
      const rowSize = util.sizeFromShape(x.shape.slice(1));
      const result = ops.zeros([numSegments, ...x.shape.slice(1)], x.dtype);
      const idsPerRow = util.sizeFromShape(idsShape.slice(1));
      const valuesPerId = rowSize / idsPerRow;
      const values = backend.typedArrayFromHeap(x);
      const ids = backend.typedArrayFromHeap(segmentIds);
      const sums = backend.typedArrayFromHeap(result);
      for (let row = 0; row < x.shape[0]!; row++) {
        for (let idIndex = 0; idIndex < idsPerRow; idIndex++) {
          const segment = ids[row * idsPerRow + idIndex]!;
          if (segment < 0 || segment >= numSegments) continue;
          const offsetInRow = idIndex * valuesPerId;
          const from = row * rowSize + offsetInRow;
          const to = segment * rowSize + offsetInRow;
          for (let k = 0; k < valuesPerId; k++) sums[to + k]! += values[from + k]!;
        }
      }
      return result;
    });
  };
}
