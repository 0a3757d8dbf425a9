import { describe, expect, it } from 'vitest';
import { isPruningStep, polynomialSparsity, type PolynomialSchedule } from '../../src/prune/polynomial-sparsity.js';

/** Zhu & Gupta's equation as printed: s_t = s_f + (s_i − s_f)(1 − (t − t_0)/(nΔt))³ for t in {t_0, t_0 + Δt, ..., t_0 + nΔt}. */
function printed(t: number, si: number, sf: number, t0: number, n: number, dt: number): number {
  return sf + (si - sf) * (1 - (t - t0) / (n * dt)) ** 3;
}

describe('polynomialSparsity', () => {
  it('follows the printed equation at every pruning step t_0 + kΔt (n = 10, Δt = 7)', () => {
    const schedule: PolynomialSchedule = { initialSparsity: 0.1, finalSparsity: 0.9, beginStep: 20, endStep: 90, frequency: 7 };
    for (let k = 0; k <= 10; k += 1) {
      const t = 20 + 7 * k;
      expect(isPruningStep(t, schedule), `t = ${t}`).toBe(true);
      expect(polynomialSparsity(t, schedule)).toBeCloseTo(printed(t, 0.1, 0.9, 20, 10, 7), 12);
    }
    expect(polynomialSparsity(20, schedule)).toBe(0.1);
    expect(polynomialSparsity(90, schedule)).toBe(0.9);
  });

  it('rises fast then levels off: the cubic, and monotone', () => {
    const schedule: PolynomialSchedule = { initialSparsity: 0, finalSparsity: 0.8, beginStep: 0, endStep: 100, frequency: 1 };
    expect(polynomialSparsity(50, schedule)).toBeCloseTo(0.8 * (1 - 0.5 ** 3), 12);
    let previous = -1;
    for (let t = 0; t <= 100; t += 1) {
      const s = polynomialSparsity(t, schedule);
      expect(s).toBeGreaterThanOrEqual(previous);
      previous = s;
    }
  });

  it('is s_i before t_0, s_f after t_end, and s_f at once when t_end = t_0', () => {
    const schedule: PolynomialSchedule = { initialSparsity: 0.2, finalSparsity: 0.6, beginStep: 10, endStep: 30, frequency: 5 };
    expect(polynomialSparsity(3, schedule)).toBe(0.2);
    expect(polynomialSparsity(31, schedule)).toBe(0.6);
    expect(polynomialSparsity(10, { ...schedule, endStep: 10 })).toBe(0.6);
  });
});

describe('isPruningStep', () => {
  it('is t_0, every Δt after it, and t_end even off the grid; never outside [t_0, t_end]', () => {
    const schedule: PolynomialSchedule = { initialSparsity: 0, finalSparsity: 0.5, beginStep: 4, endStep: 21, frequency: 5 };
    const steps = Array.from({ length: 30 }, (_, t) => t).filter((t) => isPruningStep(t, schedule));
    expect(steps).toEqual([4, 9, 14, 19, 21]);
  });
});
