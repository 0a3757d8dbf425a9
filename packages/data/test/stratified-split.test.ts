import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { apportion } from '../src/apportion.js';
import { controlledRounding } from '../src/controlled-rounding.js';
import { stratifiedSplit, stratifiedSubset } from '../src/stratified-split.js';
import { validateDatasetRequest } from '../src/validate-request.js';

/** Labels with class c appearing sizes[c] times, classes in blocks. */
function blockLabels(sizes: readonly number[]): Uint8Array {
  return Uint8Array.from(sizes.flatMap((size, c) => new Array<number>(size).fill(c)));
}

function classCounts(indices: Int32Array, labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const index of indices) counts[labels[index] as number]! += 1;
  return counts;
}

describe('apportion', () => {
  it('gives each group the floor of its quota plus the leftovers by largest remainder', () => {
    // quotas 3.33.., 3.33.., 3.33..: one leftover unit goes to the lowest index
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    // quotas 5 * 3/10 = 1.5, 5 * 7/10 = 3.5: both remainders equal, tie to the lower index
    expect(apportion(5, [3, 7])).toEqual([2, 3]);
    // quotas 1000 * 1001/10000 = 100.1 and so on
    expect(apportion(7, [5, 1, 1])).toEqual([5, 1, 1]);
    expect(apportion(0, [3, 4])).toEqual([0, 0]);
  });

  it('respects caps by passing units on', () => {
    expect(apportion(3, [1, 1], [1, 5])).toEqual([1, 2]);
    expect(() => apportion(3, [1, 1], [1, 1])).toThrow(/cannot place 3 units within caps summing to 2/);
  });
});

describe('controlledRounding', () => {
  it('rounds every cell to its floor or ceiling and keeps every row and column total', () => {
    const random = seedrandom.alea('controlled-rounding-test');
    for (let trial = 0; trial < 300; trial++) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * 40));
      const n = rows.reduce((a, b) => a + b, 0);
      const first = Math.floor(random() * (n + 1));
      const second = Math.floor(random() * (n - first + 1));
      const columns = [first, second, n - first - second];
      const table = controlledRounding(rows, columns);
      table.forEach((row, r) => {
        expect(row.reduce((a, b) => a + b, 0)).toBe(rows[r]);
        row.forEach((cell, c) => {
          const exact = n === 0 ? 0 : ((rows[r] as number) * (columns[c] as number)) / n;
          expect(cell === Math.floor(exact) || cell === Math.ceil(exact), `trial ${trial} cell ${r},${c}: ${cell} vs ${exact}`).toBe(true);
        });
      });
      columns.forEach((total, c) => expect(table.reduce((sum, row) => sum + (row[c] as number), 0)).toBe(total));
    }
  });

  it('rejects margins with different sums', () => {
    expect(() => controlledRounding([2, 3], [4])).toThrow('controlledRounding: rows sum to 5 but columns to 4');
  });
});

describe('stratifiedSplit', () => {
  const sizes = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const labels = blockLabels(sizes);
  const fractions = { train: 0.8, val: 0.1, test: 0.1 };

  it('uses every example exactly once, with sizes round(n * fraction) and train the rest', () => {
    const split = stratifiedSplit(labels, 10, fractions, 7);
    expect([split.train.length, split.val.length, split.test.length]).toEqual([8000, 1000, 1000]);
    const all = [...split.train, ...split.val, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 10000 }, (_, i) => i));
  });

  it('puts the floor or the ceiling of each class share in each split', () => {
    const split = stratifiedSplit(labels, 10, { train: 0.7, val: 0.2, test: 0.1 }, 3);
    for (const [name, indices, fraction] of [
      ['train', split.train, 0.7],
      ['val', split.val, 0.2],
      ['test', split.test, 0.1],
    ] as const) {
      classCounts(indices, labels, 10).forEach((count, c) => {
        const exact = (sizes[c] as number) * fraction;
        expect(count === Math.floor(exact) || count === Math.ceil(exact), `${name} class ${c}: ${count} vs ${exact}`).toBe(true);
      });
    }
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const a = stratifiedSplit(labels, 10, fractions, 42);
    const b = stratifiedSplit(labels, 10, fractions, 42);
    const c = stratifiedSplit(labels, 10, fractions, 43);
    expect(b).toEqual(a);
    expect([...c.val].sort()).not.toEqual([...a.val].sort());
    expect([...c.train]).not.toEqual([...a.train]);
  });

  it('lists each split in a shuffled order with the classes interleaved', () => {
    const { test } = stratifiedSplit(labels, 10, fractions, 1);
    const firstTwenty = new Set([...test.slice(0, 20)].map((index) => labels[index]));
    expect(firstTwenty.size).toBeGreaterThan(3);
  });

  it('handles empty splits and tiny classes without over-drawing a class', () => {
    const tiny = blockLabels([1, 1, 1]);
    const split = stratifiedSplit(tiny, 3, { train: 0, val: 0.5, test: 0.5 }, 0);
    expect(split.train.length + split.val.length + split.test.length).toBe(3);
    expect(split.val.length).toBe(2);
    expect(split.test.length).toBe(1);
    const none = stratifiedSplit(tiny, 3, { train: 1, val: 0, test: 0 }, 0);
    expect([none.train.length, none.val.length, none.test.length]).toEqual([3, 0, 0]);
  });

  it('rejects a label outside the classes', () => {
    expect(() => stratifiedSplit(Uint8Array.from([0, 3]), 3, fractions, 0)).toThrow('label 3 at index 1 is outside [0, 3)');
  });
});

describe('stratifiedSubset', () => {
  const labels = blockLabels([50, 30, 20]);
  const { train } = stratifiedSplit(labels, 3, { train: 1, val: 0, test: 0 }, 9);

  it('keeps the limit, divided among classes by their shares, in the original order', () => {
    const subset = stratifiedSubset(train, labels, 3, 10);
    expect(classCounts(subset, labels, 3)).toEqual([5, 3, 2]);
    const positions = [...subset].map((index) => train.indexOf(index));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('nests: a smaller limit keeps a subset of a larger one', () => {
    const small = new Set(stratifiedSubset(train, labels, 3, 10));
    const large = new Set(stratifiedSubset(train, labels, 3, 40));
    for (const index of small) expect(large.has(index)).toBe(true);
  });

  it('returns everything when the limit is not below the size', () => {
    expect(stratifiedSubset(train, labels, 3, 1000)).toBe(train);
  });
});

describe('validateDatasetRequest', () => {
  const ok = { split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 1 };
  it('accepts fractions summing to 1 within rounding', () => {
    expect(() => validateDatasetRequest('d', { split: { train: 0.7, val: 0.2, test: 0.1 }, seed: 0 })).not.toThrow();
  });
  it('names the field that is wrong', () => {
    expect(() => validateDatasetRequest('mnist-10k', { ...ok, split: { train: 0.8, val: 0.1, test: 0.2 } })).toThrow(
      /Dataset "mnist-10k": split.train \+ split.val \+ split.test = 1.1/,
    );
    expect(() => validateDatasetRequest('d', { ...ok, split: { train: 1.1, val: -0.1, test: 0 } })).toThrow(/split.train is 1.1/);
    expect(() => validateDatasetRequest('d', { ...ok, limitTrain: 0 })).toThrow(/limitTrain is 0, expected a positive integer/);
    expect(() => validateDatasetRequest('d', { ...ok, seed: Number.NaN })).toThrow(/seed is NaN/);
  });
});
