import { describe, expect, it } from 'vitest';
import { learningRateAt, learningRateScheduleSchema, type LearningRateSchedule } from '../../src/engine/learning-rate-schedule.js';
import { trainSettingsOverrideSchema, trainSettingsSchema } from '../../src/engine/train-settings.js';

const cosine = (final = 0, warmupEpochs = 0): LearningRateSchedule => ({ kind: 'cosine', final, warmupEpochs });

/** Every step's rate of a stage. */
function rates(schedule: LearningRateSchedule | undefined, base: number, stepsPerEpoch: number, totalSteps: number): number[] {
  return Array.from({ length: totalSteps }, (_, step) => learningRateAt(schedule, base, step, stepsPerEpoch, totalSteps));
}

describe('learningRateAt', () => {
  it('keeps the base rate at every step without a schedule and with the constant one', () => {
    expect(rates(undefined, 0.01, 10, 50)).toEqual(new Array(50).fill(0.01));
    expect(rates({ kind: 'constant' }, 0.3, 7, 21)).toEqual(new Array(21).fill(0.3));
  });

  it('anneals from the base rate at the first step to base * final at the last, along half a cosine', () => {
    const base = 0.1;
    const final = 0.05;
    const total = 40;
    const all = rates(cosine(final), base, 8, total);
    expect(all[0]).toBeCloseTo(base, 15);
    expect(all[total - 1]).toBeCloseTo(base * final, 15);
    // the half cosine, written out: floor + (base - floor) * (1 + cos(pi * t)) / 2, t from 0 to 1
    all.forEach((rate, step) => {
      const t = step / (total - 1);
      expect(rate, `step ${step}`).toBeCloseTo(base * final + ((base - base * final) * (1 + Math.cos(Math.PI * t))) / 2, 15);
    });
  });

  it('decreases monotonically, and strictly, over the stage', () => {
    const all = rates(cosine(0.01), 0.5, 10, 100);
    for (let step = 1; step < all.length; step++) expect(all[step]!, `step ${step}`).toBeLessThan(all[step - 1]!);
    expect(Math.min(...all)).toBeGreaterThanOrEqual(0.5 * 0.01 - 1e-15);
  });

  it('is at the mean of base and base * final halfway through', () => {
    const base = 0.2;
    const final = 0.1;
    // 101 steps: step 50 is exactly halfway from step 0 to step 100
    expect(learningRateAt(cosine(final), base, 50, 10, 101)).toBeCloseTo((base + final * base) / 2, 15);
    // final 0 (the default): half the base rate
    expect(learningRateAt(cosine(), 1, 50, 10, 101)).toBeCloseTo(0.5, 15);
    expect(learningRateAt(cosine(), 1, 100, 10, 101)).toBeCloseTo(0, 15);
  });

  it('warms up linearly from base / warm-up steps to the base rate, then anneals over the remaining steps', () => {
    const base = 0.08;
    const stepsPerEpoch = 5;
    const total = 30;
    const all = rates(cosine(0.25, 2), base, stepsPerEpoch, total);
    // 2 epochs of 5 steps: 10 warm-up steps
    for (let step = 0; step < 10; step++) expect(all[step], `step ${step}`).toBeCloseTo((base * (step + 1)) / 10, 15);
    expect(all[9]).toBeCloseTo(base, 15);
    expect(all[10]).toBeCloseTo(base, 15);
    expect(all[total - 1]).toBeCloseTo(base * 0.25, 15);
    // the annealing covers steps 10 to 29: its midpoint lies between steps 19 and 20
    for (let step = 11; step < total; step++) expect(all[step]!).toBeLessThan(all[step - 1]!);
    expect((all[19]! + all[20]!) / 2).toBeCloseTo((base + base * 0.25) / 2, 12);
  });

  it('counts fractional warm-up epochs in steps, and never warms up past the stage', () => {
    // 0.4 epoch of 5 steps: 2 steps
    expect(rates(cosine(0, 0.4), 1, 5, 10).slice(0, 3)).toEqual([0.5, 1, 1]);
    // the warm-up is cut to the stage's 4 steps: it ends on the base rate
    expect(rates(cosine(0, 3), 1, 5, 4)).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('gives the base rate to a stage of a single step', () => {
    expect(rates(cosine(0), 0.1, 1, 1)).toEqual([0.1]);
  });
});

describe('learningRateScheduleSchema', () => {
  it('fills in the cosine schedule\'s defaults: no warm-up, down to 0', () => {
    expect(learningRateScheduleSchema.parse({ kind: 'cosine' })).toEqual({ kind: 'cosine', warmupEpochs: 0, final: 0 });
    expect(learningRateScheduleSchema.parse({ kind: 'constant' })).toEqual({ kind: 'constant' });
  });

  it('rejects an unknown kind, a final fraction outside [0, 1], a negative warm-up and unknown options', () => {
    for (const bad of [{ kind: 'step' }, { kind: 'cosine', final: 1.5 }, { kind: 'cosine', final: -0.1 }, { kind: 'cosine', warmupEpochs: -1 }, { kind: 'constant', final: 0 }]) {
      expect(learningRateScheduleSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('is optional in the train settings and their overrides, as are maxNorm and augment', () => {
    const plain = trainSettingsSchema.parse({});
    expect(plain.schedule).toBeUndefined();
    expect(plain.maxNorm).toBeUndefined();
    expect(plain.augment).toBeUndefined();
    const full = trainSettingsSchema.parse({ schedule: { kind: 'cosine', final: 0.1 }, maxNorm: 3.5, augment: { translate: 2 } });
    expect(full.schedule).toEqual({ kind: 'cosine', warmupEpochs: 0, final: 0.1 });
    expect(full.maxNorm).toBe(3.5);
    expect(full.augment).toEqual({ translate: 2 });
    expect(trainSettingsOverrideSchema.parse({ augment: {} })).toEqual({ augment: { translate: 0 } });
    for (const maxNorm of [0, -1]) expect(trainSettingsSchema.safeParse({ maxNorm }).success, `maxNorm ${maxNorm}`).toBe(false);
  });
});
