import { describe, expect, it } from 'vitest';
import { biasShiftSchema, chooseBiasShift, countErrors, shiftLogits, type BiasShiftSettings } from '../../src/engine/bias-shift.js';

const NUM_CLASSES = 4;

/**
 * Validation logits where class 3 is under-predicted by `gap`: each 3 scores `gap` below class 2 (so a
 * shift above `gap` recovers it), each 2 has class 3 at `gap + 1` below it (so a shift above `gap + 1`
 * breaks it), and the 0s and 1s win by 20 (no shift up to 10 touches them).
 */
function underPredicted(gap: number): { logits: Float32Array; labels: Int32Array } {
  const rows: Array<[number[], number]> = [
    [[20, 0, 0, 0], 0],
    [[20, 0, 0, 0], 0],
    [[0, 20, 0, 0], 1],
    [[0, 0, gap, 0], 3],
    [[0, 0, gap, 0], 3],
    [[0, 0, gap, 0], 3],
    [[0, 0, gap, -1], 2],
    [[0, 0, gap, -1], 2],
  ];
  return { logits: Float32Array.from(rows.flatMap(([row]) => row)), labels: Int32Array.from(rows.map(([, label]) => label)) };
}

const settings = (overrides: Partial<BiasShiftSettings> = {}): BiasShiftSettings => biasShiftSchema.parse(overrides);

describe('shiftLogits', () => {
  it('adds the shift to the listed classes\' columns of every row, in a new array', () => {
    const logits = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const shifted = shiftLogits(logits, 4, [1, 3], 0.5);
    expect([...shifted]).toEqual([1, 2.5, 3, 4.5, 5, 6.5, 7, 8.5]);
    expect([...logits]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...shiftLogits(logits, 2, [0], -1)]).toEqual([0, 2, 2, 4, 4, 6, 6, 8]);
  });
});

describe('countErrors', () => {
  it('counts misclassified rows in all and by true class', () => {
    const logits = Float32Array.from([
      5, 1, 0, // 0 -> 0
      5, 1, 0, // 1 -> 0 (error, class 1)
      0, 1, 5, // 2 -> 2
      0, 5, 1, // 2 -> 1 (error, class 2)
      0, 5, 1, // 0 -> 1 (error, class 0)
      0, 5, 1, // 1 -> 1
    ]);
    expect(countErrors(logits, Int32Array.from([0, 1, 2, 2, 0, 1]), 3)).toEqual({ errors: 3, byClass: [1, 1, 1] });
    expect(countErrors(logits, Int32Array.from([0, 0, 2, 1, 1, 1]), 3)).toEqual({ errors: 0, byClass: [0, 0, 0] });
    expect(countErrors(new Float32Array(0), new Int32Array(0), 3)).toEqual({ errors: 0, byClass: [0, 0, 0] });
  });
});

describe('chooseBiasShift', () => {
  it('chooses the first grid point above the under-prediction: 2.1 for a gap of 2 (a tie goes to the lower class)', () => {
    const { logits, labels } = underPredicted(2);
    const chosen = chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings());
    expect(chosen.shift).toBe(2.1);
    expect(chosen.valAccuracy).toBe(1);
    expect(chosen.valAccuracyUnshifted).toBe(5 / 8);
    // shifts from 2.1 to 3 all reach 100%: the smallest is kept
    expect(countErrors(shiftLogits(logits, NUM_CLASSES, [3], 3), labels, NUM_CLASSES).errors).toBe(0);
    expect(countErrors(shiftLogits(logits, NUM_CLASSES, [3], 3.1), labels, NUM_CLASSES).errors).toBe(2);
  });

  it('keeps 0 when no shift helps (the smallest of the tied shifts)', () => {
    const { logits, labels } = underPredicted(2);
    const right = Int32Array.from(labels.map((label) => (label === 3 ? 2 : label)));
    const chosen = chooseBiasShift(logits, right, NUM_CLASSES, [3], settings());
    expect(chosen).toEqual({ shift: 0, valAccuracy: 1, valAccuracyUnshifted: 1 });
  });

  it('searches only the grid step, 2 step, ... up to max', () => {
    const { logits, labels } = underPredicted(2);
    // 0.5, 1, ..., 3: 2.5 is the first above 2
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.5, max: 3 })).shift).toBe(2.5);
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.25 })).shift).toBe(2.25);
    // 0.3, 0.6, ..., 2.1: a clean decimal, not 2.1000000000000005
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.3 })).shift).toBe(2.1);
    // the grid ends at or below max: nothing above 2 is tried
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.5, max: 2 })).shift).toBe(0);
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.5, max: 2.4 })).shift).toBe(0);
  });

  it('tries max itself when it is a multiple of step despite rounding (0.3 / 0.1)', () => {
    const { logits, labels } = underPredicted(0.25);
    expect(0.3 / 0.1).toBeLessThan(3);
    expect(chooseBiasShift(logits, labels, NUM_CLASSES, [3], settings({ step: 0.1, max: 0.3 })).shift).toBe(0.3);
  });

  it('shifts every listed class by the same amount', () => {
    // the 1 and the two 3s score 1.5 below class 0; the 2 is right by 1 over classes 1 and 3
    const logits = Float32Array.from([
      1.5, 0, 0, 0,
      1.5, -1, 0, 0,
      0, 0, 1, 0,
      1.5, -1, 0, 0,
      9, 0, 0, 0,
    ]);
    const labels = Int32Array.from([1, 3, 2, 3, 0]);
    const chosen = chooseBiasShift(logits, labels, NUM_CLASSES, [1, 3], settings());
    expect(chosen.shift).toBe(1.6);
    // the 2 is lost to class 1 once the shift passes 1: 4 of 5
    expect(chosen.valAccuracy).toBe(4 / 5);
    expect(chosen.valAccuracyUnshifted).toBe(2 / 5);
  });

  it('refuses an empty validation set and a class the dataset does not have, naming evaluate.biasShift', () => {
    expect(() => chooseBiasShift(new Float32Array(0), new Int32Array(0), NUM_CLASSES, [3], settings())).toThrow('evaluate.biasShift: the validation set is empty');
    const { logits, labels } = underPredicted(2);
    expect(() => chooseBiasShift(logits, labels, NUM_CLASSES, [4], settings())).toThrow(RangeError);
    expect(() => chooseBiasShift(logits, labels, NUM_CLASSES, [4], settings())).toThrow('evaluate.biasShift.classes: class 4 does not exist (the dataset has classes 0 to 3)');
  });
});

describe('biasShiftSchema', () => {
  it('defaults to shifts from 0 to 10 by 0.1, the classes left to the transfer set', () => {
    expect(biasShiftSchema.parse({})).toEqual({ max: 10, step: 0.1 });
  });

  it('rejects a non-positive max or step, an empty or negative class list and unknown fields', () => {
    for (const bad of [{ max: 0 }, { step: -0.1 }, { classes: [] }, { classes: [-1] }, { shift: 3 }]) {
      expect(biasShiftSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
