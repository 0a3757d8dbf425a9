import { describe, expect, it } from 'vitest';
import { FieldError } from '../../core/src/errors/field-error.js';
import type { DataSplit, Dataset } from '../../core/src/data/dataset.js';
import { applyTransferSet, gatherMatrixRows, gatherRows, selectTransferIndices } from '../src/transfer/select-transfer-set.js';
import { omittedClasses, transferClasses, transferSetSchema, type TransferSet } from '../../core/src/data/transfer/transfer-set.js';

const NUM_CLASSES = 4;
/** Examples per class: 10, 20, 30, 40 (100 in all). */
const PER_CLASS = [10, 20, 30, 40];
const WIDTH = 3;

/**
 * A training split of 100 examples whose classes are interleaved in a fixed scrambled order; row i's
 * features are [i, 100 + i, 200 + i], so a gathered row says where it came from.
 */
function makeSplit(): DataSplit {
  const labels: number[] = [];
  PER_CLASS.forEach((count, c) => labels.push(...new Array<number>(count).fill(c)));
  // a fixed scramble: position (37 i) mod 100 (37 is prime to 100)
  const y = new Int32Array(labels.length);
  labels.forEach((label, i) => (y[(37 * i) % labels.length] = label));
  const x = Float32Array.from({ length: labels.length * WIDTH }, (_, k) => Math.floor(k / WIDTH) + 100 * (k % WIDTH));
  return { x, y, count: labels.length };
}

const split = makeSplit();

function classCounts(indices: Int32Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const index of indices) counts[split.y[index]!]! += 1;
  return counts;
}

function select(transfer: TransferSet, seed = 0): Int32Array {
  return selectTransferIndices(split, NUM_CLASSES, transfer, seed);
}

function expectAscendingAndUnique(indices: Int32Array): void {
  for (let i = 1; i < indices.length; i++) expect(indices[i]!, `position ${i}`).toBeGreaterThan(indices[i - 1]!);
}

/** The indices of the examples of the given classes, in plain JS. */
function indicesOf(classes: readonly number[]): number[] {
  return Array.from({ length: split.count }, (_, i) => i).filter((i) => classes.includes(split.y[i]!));
}

describe('selectTransferIndices', () => {
  it('keeps every training example, in order, when the transfer set filters nothing', () => {
    expect([...select({})]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps exactly the examples of the listed classes', () => {
    expect([...select({ classes: [3, 1] })]).toEqual(indicesOf([1, 3]));
  });

  it('drops exactly the examples of the omitted classes', () => {
    const kept = select({ omitClasses: [2] });
    expect([...kept]).toEqual(indicesOf([0, 1, 3]));
    expect(classCounts(kept)).toEqual([10, 20, 0, 40]);
  });

  it('keeps count examples, stratified by class, in ascending order', () => {
    const kept = select({ count: 50 }, 3);
    expect(kept.length).toBe(50);
    expect(classCounts(kept)).toEqual([5, 10, 15, 20]);
    expectAscendingAndUnique(kept);
  });

  it('keeps a fraction of the examples, stratified by class', () => {
    const kept = select({ fraction: 0.3 }, 3);
    expect(classCounts(kept)).toEqual([3, 6, 9, 12]);
    expectAscendingAndUnique(kept);
  });

  it('applies the class filter first, then the size, stratified over the classes left', () => {
    const kept = select({ omitClasses: [3], count: 30 }, 1);
    expect(classCounts(kept)).toEqual([5, 10, 15, 0]);
    const fraction = select({ classes: [0, 2], fraction: 0.5 }, 1);
    expect(classCounts(fraction)).toEqual([5, 0, 15, 0]);
    for (const index of fraction) expect([0, 2]).toContain(split.y[index]);
  });

  it('keeps at least one example of a tiny fraction, and all of them for count equal to what is left', () => {
    expect(select({ fraction: 0.001 }).length).toBe(1);
    expect([...select({ omitClasses: [0], count: 90 }, 5)]).toEqual(indicesOf([1, 2, 3]));
  });

  it('draws the same examples for the same seed and others for another seed', () => {
    const a = select({ count: 20 }, 7);
    expect(select({ count: 20 }, 7)).toEqual(a);
    const b = select({ count: 20 }, 8);
    expect(b).not.toEqual(a);
    expect(classCounts(b)).toEqual(classCounts(a));
    // the whole set does not depend on the seed
    expect(select({ omitClasses: [1] }, 1)).toEqual(select({ omitClasses: [1] }, 2));
  });

  it('names data.transfer.classes and data.transfer.omitClasses for a class the dataset does not have', () => {
    expect(() => select({ classes: [1, 4] })).toThrow(FieldError);
    expect(() => select({ classes: [1, 4] })).toThrow('data.transfer.classes: class 4 does not exist (the dataset has classes 0 to 3)');
    expect(() => select({ omitClasses: [9] })).toThrow('data.transfer.omitClasses: class 9 does not exist (the dataset has classes 0 to 3)');
  });

  it('names data.transfer.count when more examples are asked for than the classes kept have', () => {
    expect(() => select({ omitClasses: [3], count: 61 })).toThrow('data.transfer.count: 61 examples asked for, but only 60 training examples are of the classes kept');
  });

  it('says so when no training example is of the classes kept', () => {
    const noThrees: DataSplit = { x: new Float32Array(6), y: Int32Array.from([0, 1]), count: 2 };
    expect(() => selectTransferIndices(noThrees, NUM_CLASSES, { classes: [3] }, 0)).toThrow(/data\.transfer: no training example is of the classes kept \(3\)/);
  });
});

describe('gatherRows and gatherMatrixRows', () => {
  it('gather a split\'s rows in the order given, repeats included', () => {
    const gathered = gatherRows(split, Int32Array.from([5, 0, 99, 5]));
    expect(gathered.count).toBe(4);
    expect([...gathered.y]).toEqual([split.y[5], split.y[0], split.y[99], split.y[5]]);
    expect([...gathered.x]).toEqual([5, 105, 205, 0, 100, 200, 99, 199, 299, 5, 105, 205]);
    expect(gatherRows(split, new Int32Array(0))).toEqual({ x: new Float32Array(0), y: new Int32Array(0), count: 0 });
  });

  it('gather a row-major matrix\'s rows', () => {
    const matrix = Float32Array.from({ length: 4 * 2 }, (_, i) => i); // rows [0, 1], [2, 3], [4, 5], [6, 7]
    expect([...gatherMatrixRows(matrix, 2, Int32Array.from([3, 1]))]).toEqual([6, 7, 2, 3]);
    expect(gatherMatrixRows(matrix, 2, new Int32Array(0)).length).toBe(0);
  });
});

describe('applyTransferSet', () => {
  it('narrows the training split only, and returns each kept row\'s index in the whole split', () => {
    const val: DataSplit = { x: new Float32Array(3), y: Int32Array.from([3]), count: 1 };
    const test: DataSplit = { x: new Float32Array(6), y: Int32Array.from([3, 0]), count: 2 };
    const data: Dataset = { name: 'toy', inputShape: [WIDTH], numClasses: NUM_CLASSES, classNames: ['a', 'b', 'c', 'd'], train: split, val, test, source: 'memory' };
    const { data: narrowed, indices } = applyTransferSet(data, { omitClasses: [3], count: 12 }, 4);
    expect(narrowed.val).toBe(val);
    expect(narrowed.test).toBe(test);
    expect(narrowed.numClasses).toBe(NUM_CLASSES);
    expect(narrowed.train.count).toBe(12);
    expect(indices).toEqual(selectTransferIndices(split, NUM_CLASSES, { omitClasses: [3], count: 12 }, 4));
    indices.forEach((index, row) => {
      expect(narrowed.train.y[row]).toBe(split.y[index]);
      expect(narrowed.train.x[row * WIDTH]).toBe(index);
    });
    expect(narrowed.train.y).not.toContain(3);
  });
});

describe('transferClasses and omittedClasses', () => {
  it('keep every class when nothing is filtered', () => {
    expect(transferClasses(undefined, 4)).toEqual([0, 1, 2, 3]);
    expect(transferClasses({ count: 5 }, 4)).toEqual([0, 1, 2, 3]);
    expect(omittedClasses(undefined, 4)).toEqual([]);
  });

  it('follow classes and omitClasses, in class order', () => {
    expect(transferClasses({ classes: [3, 0] }, 4)).toEqual([0, 3]);
    expect(omittedClasses({ classes: [3, 0] }, 4)).toEqual([1, 2]);
    expect(transferClasses({ omitClasses: [1] }, 4)).toEqual([0, 2, 3]);
    expect(omittedClasses({ omitClasses: [1] }, 4)).toEqual([1]);
  });
});

describe('transferSetSchema', () => {
  function issues(value: unknown): { path: string; message: string }[] {
    const parsed = transferSetSchema.safeParse(value);
    expect(parsed.success, JSON.stringify(value)).toBe(false);
    return parsed.error!.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  }

  it('accepts each filter alone, and a class filter with a size', () => {
    for (const valid of [{}, { classes: [7, 8] }, { omitClasses: [3] }, { count: 100 }, { fraction: 0.03 }, { fraction: 1 }, { omitClasses: [3], count: 10 }, { classes: [1], fraction: 0.5 }]) {
      expect(transferSetSchema.safeParse(valid).success, JSON.stringify(valid)).toBe(true);
    }
  });

  it('rejects classes with omitClasses, and count with fraction, naming the field', () => {
    expect(issues({ classes: [1], omitClasses: [2] })).toEqual([{ path: 'omitClasses', message: 'give classes or omitClasses, not both' }]);
    expect(issues({ count: 10, fraction: 0.5 })).toEqual([{ path: 'fraction', message: 'give count or fraction, not both' }]);
  });

  it('rejects empty class lists, bad class indices, sizes out of range and unknown fields', () => {
    expect(issues({ classes: [] })).toEqual([{ path: 'classes', message: 'keep at least one class' }]);
    expect(issues({ omitClasses: [] })).toEqual([{ path: 'omitClasses', message: 'omit at least one class' }]);
    for (const bad of [{ classes: [-1] }, { classes: [1.5] }, { count: 0 }, { count: 2.5 }, { fraction: 0 }, { fraction: 1.01 }, { ratio: 0.5 }]) issues(bad);
  });
});
