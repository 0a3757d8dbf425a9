import { describe, expect, it } from 'vitest';
import { containsZero, formatDifference, formatP, formatSummary, gapRecovered, pairByKey, significantlyBelowZero, summarize, welchDifference } from '../page/statistics.js';
import { count, percent } from '../page/tables.js';
import { formatDuration } from '../page/study-facts.js';
import { interval, mean, minus, sd, T975, twoSidedP } from './support/reference.js';

describe('gapRecovered', () => {
  it('is (baseline - distilled) / (baseline - teacher) per seed, summarised with a t-interval', () => {
    const teacher = 100;
    const baseline = new Map([[0, 150], [1, 160], [2, 140], [3, 170], [4, 155]]);
    const distilled = new Map([[0, 120], [1, 130], [2, 128], [3, 120], [4, 133]]);
    // by hand: 30/50, 30/60, 12/40, 50/70, 22/55
    const perSeed = [0.6, 0.5, 0.3, 50 / 70, 0.4];
    const gap = gapRecovered(distilled, baseline, teacher)!;
    expect(gap.n).toBe(5);
    expect(gap.mean).toBeCloseTo((0.6 + 0.5 + 0.3 + 50 / 70 + 0.4) / 5, 12);
    const half = (T975[4]! * sd(perSeed)) / Math.sqrt(5);
    expect(gap.ci!.low).toBeCloseTo(mean(perSeed) - half, 12);
    expect(gap.ci!.high).toBeCloseTo(mean(perSeed) + half, 12);
  });

  it('skips seeds without a baseline and seeds whose baseline is no worse than the teacher', () => {
    const baseline = new Map([[0, 150], [1, 90], [2, 100]]);
    const distilled = new Map([[0, 125], [1, 95], [2, 99], [7, 110]]);
    const gap = gapRecovered(distilled, baseline, 100)!;
    expect(gap.n).toBe(1);
    expect(gap.mean).toBe(0.5);
    expect(gap.ci).toBeUndefined();
    expect(gapRecovered(new Map([[1, 95]]), baseline, 100)).toBeUndefined();
  });

  it('is 1 when the student makes the teacher\'s errors and 0 when it makes the baseline\'s', () => {
    const baseline = new Map([[0, 150], [1, 180]]);
    expect(gapRecovered(new Map([[0, 100], [1, 100]]), baseline, 100)!.mean).toBe(1);
    expect(gapRecovered(new Map([[0, 150], [1, 180]]), baseline, 100)!.mean).toBe(0);
  });
});

describe('pairByKey', () => {
  it('pairs only the seeds both sides have, as treated - control', () => {
    const treated = new Map([[0, 10], [1, 12], [2, 15], [5, 99]]);
    const control = new Map([[2, 20], [0, 14], [1, 19], [9, 1]]);
    const d = pairByKey(treated, control)!;
    expect(d.n).toBe(3);
    const differences = [10 - 14, 12 - 19, 15 - 20];
    expect(d.meanDifference).toBeCloseTo(mean(differences), 12);
    const { low, high } = interval(differences);
    expect(d.ci!.low).toBeCloseTo(low, 10);
    expect(d.ci!.high).toBeCloseTo(high, 10);
    const t = mean(differences) / (sd(differences) / Math.sqrt(3));
    expect(d.pValue).toBeCloseTo(twoSidedP(t, 2), 10);
  });

  it('matches scipy\'s paired t-test on five pairs', () => {
    // scipy.stats.ttest_rel([140,130,135,135,135], [150,170,140,165,150]): t = -3.06786, p = 0.0373708
    const treated = new Map([[0, 140], [1, 130], [2, 135], [3, 135], [4, 135]]);
    const control = new Map([[0, 150], [1, 170], [2, 140], [3, 165], [4, 150]]);
    const d = pairByKey(treated, control)!;
    const differences = minus([140, 130, 135, 135, 135], [150, 170, 140, 165, 150]);
    const t = mean(differences) / (sd(differences) / Math.sqrt(5));
    expect(d.tStatistic).toBeCloseTo(t, 10);
    expect(d.tStatistic).toBeCloseTo(-3.0678599553894816, 9);
    expect(d.pValue).toBeCloseTo(twoSidedP(t, 4), 10);
    expect(d.pValue).toBeCloseTo(0.037370842347155944, 9);
  });

  it('is undefined when no seed is common', () => {
    expect(pairByKey(new Map([[0, 1]]), new Map([[1, 1]]))).toBeUndefined();
    expect(pairByKey(new Map(), new Map())).toBeUndefined();
  });
});

describe('the interval tests', () => {
  it('significantlyBelowZero: the 95% interval lies wholly below 0', () => {
    expect(significantlyBelowZero(pairByKey(new Map([[0, 1], [1, 2], [2, 3]]), new Map([[0, 11], [1, 13], [2, 12]])))).toBe(true);
    expect(significantlyBelowZero(pairByKey(new Map([[0, 1], [1, 2], [2, 3]]), new Map([[0, 0], [1, 5], [2, 2]])))).toBe(false);
    expect(significantlyBelowZero(pairByKey(new Map([[0, 1]]), new Map([[0, 9]])))).toBe(false); // n = 1: no interval
    expect(significantlyBelowZero(undefined)).toBe(false);
  });

  it('containsZero: the 95% interval contains 0', () => {
    expect(containsZero(pairByKey(new Map([[0, 1], [1, 2], [2, 3]]), new Map([[0, 0], [1, 5], [2, 2]])))).toBe(true);
    expect(containsZero(pairByKey(new Map([[0, 1], [1, 2], [2, 3]]), new Map([[0, 11], [1, 13], [2, 12]])))).toBe(false);
    expect(containsZero(undefined)).toBe(false);
  });
});

describe('the formats', () => {
  it('formatSummary: mean [low, high], the mean alone for one value, n/a for none', () => {
    const values = [120, 125, 118];
    const { mean: m, low, high } = interval(values);
    expect(formatSummary(summarize(values))).toBe(`${m.toFixed(1)} [${low.toFixed(1)}, ${high.toFixed(1)}]`);
    expect(formatSummary(summarize(values))).toBe('121.0 [112.0, 130.0]');
    expect(formatSummary(summarize(values), 3)).toBe(`${m.toFixed(3)} [${low.toFixed(3)}, ${high.toFixed(3)}]`);
    expect(formatSummary(summarize([67]))).toBe('67');
    expect(formatSummary(summarize([67.25]))).toBe('67.3');
    expect(formatSummary(summarize([]))).toBe('n/a');
    expect(formatSummary(undefined, 2)).toBe('n/a');
  });

  it('formatDifference: signed mean and interval with the p-value', () => {
    const d = pairByKey(new Map([[0, 140], [1, 130], [2, 135], [3, 135], [4, 135]]), new Map([[0, 150], [1, 170], [2, 140], [3, 165], [4, 150]]));
    const diffs = [-10, -40, -5, -30, -15];
    const { low, high } = interval(diffs);
    expect(formatDifference(d)).toBe(`-20.0 [${low.toFixed(1)}, ${high.toFixed(1)}], p = 0.037`);
    const up = pairByKey(new Map([[0, 12], [1, 13], [2, 17]]), new Map([[0, 10], [1, 10], [2, 10]]))!;
    expect(formatDifference(up)).toMatch(/^\+4\.0 \[[+-]\d+\.\d, \+\d+\.\d\], p = 0\.\d+$/);
    expect(formatDifference(pairByKey(new Map([[0, 5]]), new Map([[0, 3]])))).toBe('+2.0'); // n = 1: no interval, no test
    expect(formatDifference(pairByKey(new Map([[0, 5], [1, 5]]), new Map([[0, 5], [1, 5]])))).toBe('0.0 [0.0, 0.0]'); // no test when all differences are 0
    expect(formatDifference(undefined)).toBe('n/a');
  });

  it('formatP: two significant digits, < 0.001 below that', () => {
    expect(formatP(0.037378)).toBe('0.037');
    expect(formatP(0.5)).toBe('0.50');
    expect(formatP(0.0012)).toBe('0.0012');
    expect(formatP(0.000999)).toBe('< 0.001');
    expect(formatP(0)).toBe('< 0.001');
  });

  it('count, percent and formatDuration', () => {
    expect(count(10000)).toBe('10,000');
    expect(count(1234.6)).toBe('1,235');
    expect(percent(0.4732)).toBe('47.3%');
    expect(percent(0.98612, 2)).toBe('98.61%');
    expect(formatDuration(40)).toBe('40 s');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(12 * 60)).toBe('12 min');
    expect(formatDuration(3600 + 5 * 60)).toBe('1 h 05 min');
    expect(formatDuration(2 * 3600 + 59 * 60 + 40)).toBe('3 h 00 min');
  });
});

describe('welchDifference', () => {
  it('is the difference of means with the Welch t-interval (scipy.stats.ttest_ind(equal_var=False).confidence_interval())', () => {
    const result = welchDifference([144, 150, 138, 146, 143], [141, 152, 139])!;
    expect(result.difference).toBeCloseTo(0.2, 10);
    expect(result.ci.low).toBeCloseTo(-14.178942799860106, 6);
    expect(result.ci.high).toBeCloseTo(14.578942799860084, 6);
  });

  it('needs two values on each side', () => {
    expect(welchDifference([100], [103, 104])).toBeUndefined();
    expect(welchDifference([100, 101], [])).toBeUndefined();
  });
});
