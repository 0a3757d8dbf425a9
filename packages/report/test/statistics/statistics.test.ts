import { describe, expect, it } from 'vitest';
import { logBeta, logGamma } from '../../src/statistics/log-gamma.js';
import { ALL_DIFFERENCES_ZERO_NOTE, pairedDifference } from '../../src/statistics/paired-t-test.js';
import { regularizedIncompleteBeta } from '../../src/statistics/regularized-incomplete-beta.js';
import { sampleMean } from '../../src/statistics/sample-mean.js';
import { sampleStandardDeviation } from '../../src/statistics/sample-standard-deviation.js';
import { studentTCdf, studentTQuantile, studentTTwoSidedTail } from '../../src/statistics/student-t-distribution.js';
import { SINGLE_VALUE_NOTE, summarizeSample, ZERO_VARIANCE_NOTE } from '../../src/statistics/summarize-sample.js';
import { INCOMPLETE_BETA, LOG_BETA, LOG_GAMMA, PAIRED, SAMPLES, T_CDF, T_QUANTILE } from './reference-values.js';

/** |actual - expected| within `relative` of |expected| (or `absolute` near 0). */
function expectClose(actual: number | undefined, expected: number, relative = 1e-12, absolute = 1e-300): void {
  expect(actual).toBeDefined();
  const tolerance = Math.max(absolute, relative * Math.abs(expected));
  if (Math.abs(actual! - expected) > tolerance) expect(actual).toBe(expected);
}

describe('special functions against scipy', () => {
  it.each(LOG_GAMMA)('logGamma(%s) = %s', (x, expected) => {
    expectClose(logGamma(x), expected, 1e-13, 1e-15);
  });

  it.each(LOG_BETA)('ln B(%s, %s) = %s, without the cancellation of three large log-gammas', (a, b, expected) => {
    expectClose(logBeta(a, b), expected, 1e-14, 1e-14);
  });

  it.each(INCOMPLETE_BETA)('I_%s(%s, %s) = %s', (x, a, b, expected) => {
    expectClose(regularizedIncompleteBeta(x, a, b), expected, 1e-12);
  });

  it('rejects arguments outside the domain, naming them', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(/x must lie in \[0, 1\], got 1.5/);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(/a = 0, b = 1/);
    expect(() => logGamma(-1)).toThrow(/got -1/);
  });
});

describe("Student's t distribution against scipy", () => {
  it.each(T_CDF)('t = %s, df = %s: cdf %s, two-sided tail %s', (t, df, cdf, tail) => {
    expectClose(studentTCdf(t, df), cdf, 1e-12);
    expectClose(studentTTwoSidedTail(t, df), tail, 1e-11);
  });

  it.each(T_QUANTILE)('quantile(%s, df = %s) = %s', (p, df, expected) => {
    expectClose(studentTQuantile(p, df), expected, 1e-11);
  });

  it('inverts its own CDF and knows the limits', () => {
    for (const df of [1, 2, 3, 7.5, 40]) {
      for (const p of [0.001, 0.1, 0.37, 0.9, 0.999]) expectClose(studentTCdf(studentTQuantile(p, df), df), p, 1e-12);
    }
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(studentTQuantile(1, 4)).toBe(Infinity);
    expect(studentTQuantile(0, 4)).toBe(-Infinity);
    expect(studentTTwoSidedTail(Infinity, 4)).toBe(0);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/degrees of freedom .* got 0/);
  });
});

describe('sample summaries against scipy', () => {
  it.each(Object.entries(SAMPLES))('%s: mean, sd and 95%% t interval', (_name, sample) => {
    expectClose(sampleMean(sample.values), sample.mean, 1e-14);
    expectClose(sampleStandardDeviation(sample.values), sample.sd, 1e-12);
    const summary = summarizeSample(sample.values);
    expect(summary.n).toBe(sample.values.length);
    expect(summary.level).toBe(0.95);
    expectClose(summary.ci?.low, sample.low, 1e-12);
    expectClose(summary.ci?.high, sample.high, 1e-12);
    expect(summary.note).toBeUndefined();
  });

  it('gives no sd or interval for one value, and says so', () => {
    expect(summarizeSample([0.97])).toEqual({ n: 1, mean: 0.97, level: 0.95, note: SINGLE_VALUE_NOTE });
  });

  it('gives a zero-width interval for equal values, and says so', () => {
    const summary = summarizeSample([0.1, 0.1, 0.1]);
    expect(summary).toEqual({ n: 3, mean: 0.1, sd: 0, ci: { low: 0.1, high: 0.1 }, level: 0.95, note: ZERO_VARIANCE_NOTE });
  });

  it('rejects an empty sample and non-finite values, naming the index', () => {
    expect(() => summarizeSample([])).toThrow(/empty/);
    expect(() => summarizeSample([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('paired difference against scipy ttest_rel', () => {
  it.each(Object.entries(PAIRED))('%s: mean difference, 95%% interval, t and two-sided p', (_name, sample) => {
    const pairs = sample.treated.map((treated, i) => ({ treated, control: sample.control[i]! }));
    const result = pairedDifference(pairs);
    expect(result.n).toBe(pairs.length);
    expect(result.degreesOfFreedom).toBe(pairs.length - 1);
    expectClose(result.meanDifference, sample.mean, 1e-12);
    expectClose(result.sd, sample.sd, 1e-10);
    expectClose(result.ci?.low, sample.low, 1e-10);
    expectClose(result.ci?.high, sample.high, 1e-10);
    expectClose(result.tStatistic, sample.t, 1e-10);
    expectClose(result.pValue, sample.p, 1e-10);
  });

  it('has no interval or test for a single pair', () => {
    const result = pairedDifference([{ treated: 0.98, control: 0.97 }]);
    expect(result.ci).toBeUndefined();
    expect(result.pValue).toBeUndefined();
    expect(result.note).toBe(SINGLE_VALUE_NOTE);
    expectClose(result.meanDifference, 0.01, 1e-12);
  });

  it('gives p = 0 for equal non-zero differences and no test when all differences are zero', () => {
    const constant = pairedDifference([
      { treated: 3, control: 1 },
      { treated: 4, control: 2 },
    ]);
    expect(constant).toMatchObject({ meanDifference: 2, sd: 0, ci: { low: 2, high: 2 }, tStatistic: Infinity, pValue: 0, note: ZERO_VARIANCE_NOTE });
    const none = pairedDifference([
      { treated: 1, control: 1 },
      { treated: 2, control: 2 },
    ]);
    expect(none.pValue).toBeUndefined();
    expect(none.tStatistic).toBeUndefined();
    expect(none.note).toBe(ALL_DIFFERENCES_ZERO_NOTE);
  });
});
