import { describe, expect, it } from 'vitest';
import { linearDecay, weightAt } from '../src/engine/weight-schedule.js';

describe('weightAt', () => {
  it('keeps a constant weight', () => {
    expect(weightAt(0.7, 3, 10)).toBe(0.7);
  });

  it('decays linearly per epoch from the first to the last epoch of the stage (FitNets: 4 to 1)', () => {
    const schedule = linearDecay(4, 1);
    expect([0, 1, 2, 3].map((e) => weightAt(schedule, e, 4))).toEqual([4, 3, 2, 1]);
    expect(weightAt(schedule, 0, 1)).toBe(4);
  });
});
