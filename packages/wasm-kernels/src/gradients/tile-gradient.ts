import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { replaceGradient, restoreGradient } from './replace-gradient.js';

/** How the `Tile` gradient views the output gradient `dy` and what it sums. */
export interface TileGradientPlan {
  /** The shape to view `dy` with: each tiled axis split into `[copies, size]`, axes of size 1 dropped. */
  splitShape: number[];
  /** The axes of that view that hold the copies, to be summed. */
  summedAxes: number[];
}

/**
 * The axes of `dy` split into `[reps, size]` pairs, with pairs of size 1 dropped: the shape to view
 * `dy` with and the axes (of that view) that hold the copies, to be summed.
 * @param xShape - the shape of the tiled input.
 * @param reps - the copies along each axis.
 * @throws Error naming both when `reps` has not one entry per axis of the input.
 */
export function tileGradientPlan(xShape: readonly number[], reps: readonly number[]): TileGradientPlan {
  if (reps.length !== xShape.length) {
    throw new Error(`@kdlab/wasm-kernels: Tile gradient: reps [${reps.join(', ')}] do not match the input of shape [${xShape.join(', ')}]`);
  }
  const splitShape: number[] = [];
  const summedAxes: number[] = [];
  xShape.forEach((size, axis) => {
    const copies = reps[axis]!;
    if (copies !== 1) {
      summedAxes.push(splitShape.length);
      splitShape.push(copies);
    }
    if (size !== 1) splitShape.push(size);
  });
  return { splitShape, summedAxes };
}

/**
 * The gradient of tfjs' `Tile` kernel as one reshape and one sum: `dy` of shape
 * `[r0 * s0, r1 * s1, ...]` seen as `[r0, s0, r1, s1, ...]` and summed over the copies `r_i`.
 * tfjs' own gradient adds one slice per copy (`prod(reps)` slice and add kernels): tfjs-layers'
 * `layerNormalization` tiles its scale and offset `[1, 1, hidden]` over `[batch, seq, 1]`, so a
 * transformer step ran 16,000 slices of 64 numbers (2.7 of its 3.1 s on wasm at batch 32). It
 * also handles inputs of any rank (tfjs' stops at rank 4).
 */
export const tileGradConfig: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = Array.isArray(dy) ? dy[0]! : dy;
    const x = saved[0]!;
    const reps = attrs['reps'] as number[];
    return {
      x: () =>
        tf.tidy(() => {
          const { splitShape, summedAxes } = tileGradientPlan(x.shape, reps);
          if (summedAxes.length === 0) return tf.reshape(gradient, x.shape);
          return tf.reshape(tf.sum(tf.reshape(gradient, splitShape), summedAxes), x.shape);
        }),
    };
  },
};

/**
 * Registers {@link tileGradConfig} as tfjs' `Tile` gradient, for every backend (the gradient
 * registry is global), keeping the one it replaces for {@link unregisterTileGradient}. Idempotent
 * while it is the registered one. Call it after tfjs' own gradients are registered (importing
 * `@tensorflow/tfjs-layers` or `@tensorflow/tfjs` registers them), or they replace it again; calling
 * it again then takes it back. Returns whether it registered it now.
 */
export function registerTileGradient(): boolean {
  return replaceGradient(tileGradConfig);
}

/** Restores the `Tile` gradient {@link registerTileGradient} replaced (or none). Idempotent. */
export function unregisterTileGradient(): void {
  restoreGradient('Tile');
}
