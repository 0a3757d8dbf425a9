import seedrandom from 'seedrandom';
import { apportion } from './apportion.js';
import { controlledRounding } from './controlled-rounding.js';
import { shuffleInPlace, type SplitFractions } from '@kdlab/core';

/** Example indices of the three splits of a dataset. */
export interface SplitIndices {
  /** Indices of the training examples, in the split's order. */
  readonly train: Int32Array;
  /** Indices of the validation examples, in the split's order. */
  readonly val: Int32Array;
  /** Indices of the test examples, in the split's order. */
  readonly test: Int32Array;
}

/** The seedrandom seed string a split with numeric seed `seed` uses. */
export function splitSeedString(seed: number): string {
  return `kdlab/stratified-split/${seed}`;
}

/** Indices of each class, in ascending index order; a label outside `[0, numClasses)` is an error. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const group = groups[label];
    if (group === undefined) throw new RangeError(`label ${label} at index ${i} is outside [0, ${numClasses})`);
    group.push(i);
  }
  return groups;
}

/**
 * Splits examples into train, validation and test sets, seeded and stratified by class.
 *
 * Sizes: with `n` examples, `val` gets `round(n * fractions.val)` examples, `test` gets
 * `min(round(n * fractions.test), n - valSize)`, and `train` the rest (`Math.round`, halves up).
 * The sizes are divided among the classes by {@link controlledRounding}: class `c` (of `n_c` examples)
 * puts the floor or the ceiling of `n_c * size / n` examples in each split, and the totals stay exact.
 *
 * Assignment: one `seedrandom.alea` generator seeded with {@link splitSeedString}`(seed)` shuffles
 * each class's indices (classes in ascending order, each starting from ascending index order);
 * the first `train` of a class go to train, the next `val` to validation, the rest to test.
 *
 * Order: the same generator then shuffles train, then validation, then test, so each split lists its
 * examples in a seeded random order with the classes interleaved.
 *
 * The same labels, fractions and seed always give the same split; different seeds give different ones.
 *
 * @param labels - the label of every example, in `[0, numClasses)`.
 * @param numClasses - the number of classes.
 * @param fractions - the fractions, each in `[0, 1]`, summing to 1 (checked by the caller).
 * @param seed - the split's seed.
 */
export function stratifiedSplit(labels: ArrayLike<number>, numClasses: number, fractions: SplitFractions, seed: number): SplitIndices {
  const n = labels.length;
  const groups = indicesByClass(labels, numClasses);
  const classSizes = groups.map((group) => group.length);
  const valSize = Math.round(n * fractions.val);
  const testSize = Math.min(Math.round(n * fractions.test), n - valSize);
  const perClass = controlledRounding(classSizes, [n - valSize - testSize, valSize, testSize]);
  const random = seedrandom.alea(splitSeedString(seed));
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  groups.forEach((group, c) => {
    shuffleInPlace(group, random);
    const [trainCount, valCount] = perClass[c] as [number, number, number];
    const valEnd = trainCount + valCount;
    for (let k = 0; k < group.length; k++) {
      const target = k < trainCount ? train : k < valEnd ? val : test;
      target.push(group[k] as number);
    }
  });
  const splits = [Int32Array.from(train), Int32Array.from(val), Int32Array.from(test)] as const;
  for (const split of splits) shuffleInPlace(split, random);
  return { train: splits[0], val: splits[1], test: splits[2] };
}

/**
 * Keeps at most `limit` of `indices`, stratified: the limit is divided among the classes present in
 * proportion to their counts in `indices` by the largest-remainder method ({@link apportion}), and the
 * first examples of each class in `indices` order are kept, in that order. When `indices` are in a
 * seeded random order (as {@link stratifiedSplit} returns them), the subset is a seeded random
 * stratified sample, and a smaller limit keeps a subset of what a larger one keeps. Returns `indices`
 * itself when `limit >= indices.length`.
 */
export function stratifiedSubset(indices: Int32Array, labels: ArrayLike<number>, numClasses: number, limit: number): Int32Array {
  if (limit >= indices.length) return indices;
  const counts = new Array<number>(numClasses).fill(0);
  for (const index of indices) {
    const label = labels[index] as number;
    if (!(label >= 0 && label < numClasses)) throw new RangeError(`label ${label} of example ${index} is outside [0, ${numClasses})`);
    counts[label] = (counts[label] as number) + 1;
  }
  const quota = apportion(limit, counts, counts);
  const kept = new Int32Array(limit);
  let filled = 0;
  for (const index of indices) {
    const label = labels[index] as number;
    if ((quota[label] as number) > 0) {
      quota[label] = (quota[label] as number) - 1;
      kept[filled++] = index;
    }
  }
  return kept;
}
