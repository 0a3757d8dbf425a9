import { describe, expect, it } from 'vitest';
import { magnitudeMasks, prunedCount, smallestMagnitudeMask } from '../../src/prune/magnitude-masks.js';
import { seededValues } from '../support/seeded-values.js';

/**
 * The reference, in plain JS and written apart from the implementation: order the positions by
 * (|value|, position) with an ordinary comparator sort, and prune the first `count`.
 */
function referenceMask(values: ArrayLike<number>, count: number): number[] {
  const order = Array.from(values, (value, index) => ({ magnitude: Math.abs(value), index })).sort((a, b) => a.magnitude - b.magnitude || a.index - b.index);
  const keep = Array.from(values, () => 1);
  for (const { index } of order.slice(0, count)) keep[index] = 0;
  return keep;
}

const zeros = (mask: ArrayLike<number>): number => Array.from(mask).filter((value) => value === 0).length;

describe('prunedCount', () => {
  it('is ⌊sparsity · n⌋, exact for fractions that floating point misses by a hair', () => {
    expect(prunedCount(0.8, 10)).toBe(8);
    expect(prunedCount(0.85, 10)).toBe(8);
    expect(0.29 * 100).toBeLessThan(29);
    expect(prunedCount(0.29, 100)).toBe(29);
    expect(prunedCount(0.9, 7840)).toBe(7056);
    expect(prunedCount(0, 5)).toBe(0);
    expect(prunedCount(0.999, 10)).toBe(9);
  });
});

describe('smallestMagnitudeMask', () => {
  it('prunes the smallest magnitudes, as the plain-JS sort does, for many sizes and counts', () => {
    for (const [size, seed] of [[1, 1], [7, 2], [64, 3], [1000, 4], [4096, 5]] as const) {
      const values = seededValues(size, seed);
      for (const fraction of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        const count = Math.floor(fraction * size);
        expect(Array.from(smallestMagnitudeMask(values, count)), `size ${size}, count ${count}`).toEqual(referenceMask(values, count));
      }
    }
  });

  it('prunes exactly the count asked when magnitudes tie at the threshold, the lowest positions first', () => {
    const values = Float32Array.from([0.5, -0.1, 0.1, 0.3, -0.1, 0.1, 0.2]);
    // |0.1| four times: pruning 2 takes positions 1 and 2, pruning 3 also position 4.
    expect(Array.from(smallestMagnitudeMask(values, 2))).toEqual([1, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(smallestMagnitudeMask(values, 3))).toEqual([1, 0, 0, 1, 0, 1, 1]);
    expect(Array.from(smallestMagnitudeMask(values, 5))).toEqual([1, 0, 0, 1, 0, 0, 0]);
    // every value equal: the first ones go
    expect(Array.from(smallestMagnitudeMask(new Float32Array(6).fill(2), 4))).toEqual([0, 0, 0, 0, 1, 1]);
    // already-pruned zeros are the smallest, so they stay pruned
    const withZeros = Float32Array.from([0, 3, 0, -0, 1, 2]);
    expect(Array.from(smallestMagnitudeMask(withZeros, 4))).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('keeps everything at count 0 and prunes everything at the full count', () => {
    const values = seededValues(9, 7);
    expect(zeros(smallestMagnitudeMask(values, 0))).toBe(0);
    expect(zeros(smallestMagnitudeMask(values, 9))).toBe(9);
  });
});

describe('magnitudeMasks', () => {
  it('layer scope: each tensor loses ⌊s · n⌋ of its own smallest weights', () => {
    const tensors = [seededValues(100, 1), seededValues(37, 2)];
    const masks = magnitudeMasks(tensors, 0.7, 'layer');
    expect(masks.map(zeros)).toEqual([70, 25]);
    masks.forEach((mask, i) => expect(Array.from(mask)).toEqual(referenceMask(tensors[i]!, prunedCount(0.7, tensors[i]!.length))));
  });

  it('global scope: one threshold over all tensors, the same as the reference on their concatenation', () => {
    const tensors = [seededValues(100, 1), seededValues(37, 2).map((value) => value * 3)];
    const masks = magnitudeMasks(tensors, 0.7, 'global');
    const expected = referenceMask([...tensors[0]!, ...tensors[1]!], prunedCount(0.7, 137));
    expect([...masks[0]!, ...masks[1]!]).toEqual(expected);
    expect(zeros(masks[0]!) + zeros(masks[1]!)).toBe(95);
  });

  it('global and layer scopes differ when one layer has small weights and the other large ones', () => {
    const small = Float32Array.from([0.01, -0.02, 0.03, 0.04]);
    const large = Float32Array.from([1, -2, 3, 4]);
    const layer = magnitudeMasks([small, large], 0.5, 'layer');
    const global = magnitudeMasks([small, large], 0.5, 'global');
    // per layer: each loses its two smallest
    expect(layer.map((mask) => Array.from(mask))).toEqual([[0, 0, 1, 1], [0, 0, 1, 1]]);
    // globally: the four smallest weights are all in the small layer
    expect(global.map((mask) => Array.from(mask))).toEqual([[0, 0, 0, 0], [1, 1, 1, 1]]);
  });

  it('global ties are broken by position across tensors, in order', () => {
    const masks = magnitudeMasks([Float32Array.from([1, 1]), Float32Array.from([1, 1])], 0.75, 'global');
    expect(masks.map((mask) => Array.from(mask))).toEqual([[0, 0], [0, 1]]);
  });
});
