import { backend_util, util } from '@tensorflow/tfjs-core';

/** A reduction seen as `x[outer, reduced, inner] -> out[outer, inner]`. */
export interface StridedReduction {
  /** Product of the axes before the reduced block. */
  outer: number;
  /** Product of the reduced axes. */
  reduced: number;
  /** Product of the axes after the reduced block. */
  inner: number;
  /** Shape of the result (reduced axes dropped, or kept as 1 with `keepDims`). */
  outShape: number[];
}

/**
 * The reduction of `shape` over `axis` as `[outer, reduced, inner]`, when the reduced axes form one
 * contiguous block that is not innermost (those reductions the wasm kernels run well, after
 * transposing the whole tensor); `undefined` otherwise.
 */
export function stridedReduction(shape: number[], axis: number | number[], keepDims: boolean): StridedReduction | undefined {
  const axes = util.parseAxisParam(axis, shape).sort((first, second) => first - second);
  if (axes.length === 0) return undefined;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length || last === shape.length - 1) return undefined;
  const inner = util.sizeFromShape(shape.slice(last + 1));
  if (inner === 1) return undefined;
  const [outShape] = backend_util.computeOutAndReduceShapes(shape, axes);
  return {
    outer: util.sizeFromShape(shape.slice(0, first)),
    reduced: util.sizeFromShape(shape.slice(first, last + 1)),
    inner,
    outShape: keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
  };
}

/**
 * `out[o, i] = sum over r of x[o, r, i]`, accumulated in `out`'s element type in ascending `r`, the
 * order (and so the rounding) of the wasm `Sum` kernel; `divisor` then divides each sum (the wasm
 * `Mean` kernel's `sum / n`).
 */
export function reduceStrided(x: Float32Array | Int32Array, out: Float32Array | Int32Array, plan: StridedReduction, divisor = 1): void {
  const { outer, reduced, inner } = plan;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const target = o * inner;
    for (let r = 0; r < reduced; r++) {
      const source = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) out[target + i]! += x[source + i]!;
    }
  }
  if (divisor !== 1) for (let index = 0; index < out.length; index++) out[index]! /= divisor;
}
