import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import { tileInto, type TileArray } from '../wasm/tile-copy.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `Tile` for wasm: each block of the output written once and repeated as whole runs (see
 * {@link tileInto}). tfjs-layers' `layerNormalization` tiles its mean and variance `[batch, seq, 1]`
 * over the hidden axis and its scale and offset over every token, four tiles per norm; the original
 * kernel computes every output element's source index (about 45 ns per element, 4.4 ms for one
 * `[32, 50, 64]` tile). Non-numeric dtypes go to the original kernel.
 * @throws Error naming the shapes when `reps` does not have one entry per axis of `x`.
 */
export function createTile(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Tile');
    const reps = attrs['reps'] as number[];
    if (reps.length !== x.shape.length) {
      throw new Error(`@kdlab/wasm-kernels Tile: reps [${reps.join(', ')}] must have one entry per axis of x [${x.shape.join(', ')}]`);
    }
    return runWithWasmOps(primitives, backend, (ops) => {
      if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return ops.run('Tile', { x }, attrs);
      const result = ops.output(
        x.shape.map((size, axis) => size * reps[axis]!),
        x.dtype,
      );
      tileInto(backend.typedArrayFromHeap(x) as TileArray, backend.typedArrayFromHeap(result) as TileArray, x.shape, reps);
      return result;
    });
  };
}
