// Checks bench/report/stats.ts: `npx tsx bench/report/stats-check.ts` (the bench has no vitest project;
// this prints `stats: all checks passed` or stops at the first failed assertion).
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { bootstrapMedianInterval, formatRatio, formatSpread, judge, median, pairedRatio, quantile, seededRandom, spread } from './stats.js';

// spread and median
deepStrictEqual(spread([3, 1, 2]), { n: 3, min: 1, median: 2, max: 3 });
deepStrictEqual(spread([4, 1, 3, 2]), { n: 4, min: 1, median: 2.5, max: 4 });
deepStrictEqual(spread([5, Number.NaN]), { n: 1, min: 5, median: 5, max: 5 });
strictEqual(spread([]), undefined);
strictEqual(median([Number.POSITIVE_INFINITY]), undefined);
strictEqual(median([10, 30, 20]), 20);

// quantile
strictEqual(quantile([0, 10], 0.5), 5);
strictEqual(quantile([1, 2, 3], 0), 1);
strictEqual(quantile([1, 2, 3], 1), 3);

// the seeded generator repeats itself and stays in [0, 1)
const first = seededRandom(7);
const second = seededRandom(7);
for (let draw = 0; draw < 1000; draw++) {
  const value = first();
  strictEqual(value, second());
  ok(value >= 0 && value < 1);
}

// bootstrap: one value gives a point; 3 rounds give the smallest to the largest (each end is the
// median of a resample with probability 7/27 > 2.5%); the interval holds the median; it is repeatable
deepStrictEqual(bootstrapMedianInterval([2]), [2, 2]);
deepStrictEqual(bootstrapMedianInterval([1, 5, 3]), [1, 5]);
const many = Array.from({ length: 40 }, (_, index) => 10 + Math.sin(index) * 2);
const interval = bootstrapMedianInterval(many)!;
ok(interval[0] <= median(many)! && median(many)! <= interval[1]);
ok(interval[0] > Math.min(...many) && interval[1] < Math.max(...many), 'with 40 rounds the interval is narrower than the range');
deepStrictEqual(bootstrapMedianInterval(many), interval);

// paired ratios: round by round, unpaired rounds dropped
const ratio = pairedRatio([20, 22, 30], [10, 11, 12])!;
strictEqual(ratio.n, 3);
strictEqual(ratio.median, 2);
strictEqual(ratio.low, 2);
strictEqual(ratio.high, 2.5);
strictEqual(pairedRatio([10, 20], [5])!.n, 1);
strictEqual(pairedRatio([], [1]), undefined);

// a target is met only when its interval clears it
strictEqual(judge({ n: 3, median: 1.2, low: 1.01, high: 1.4 }, { op: '>=', value: 1 }), 'met');
strictEqual(judge({ n: 3, median: 1.2, low: 0.9, high: 1.4 }, { op: '>=', value: 1 }), 'open');
strictEqual(judge({ n: 3, median: 0.8, low: 0.7, high: 0.95 }, { op: '>=', value: 1 }), 'not met');
strictEqual(judge({ n: 3, median: 0.8, low: 0.7, high: 0.95 }, { op: '<=', value: 1 }), 'met');
strictEqual(judge({ n: 3, median: 0.9, low: 0.7, high: 1.05 }, { op: '<=', value: 1 }), 'open');
strictEqual(judge({ n: 3, median: 1.2, low: 1.1, high: 1.3 }, { op: '<=', value: 1 }), 'not met');
strictEqual(judge({ n: 1, median: 2, low: 2, high: 2 }, { op: '>=', value: 1 }), 'no interval');
strictEqual(judge(undefined, { op: '>=', value: 1 }), 'no interval');

// formatting
strictEqual(formatSpread({ n: 3, min: 13.94, median: 15.71, max: 16.9 }), '15.7 (13.9-16.9)');
strictEqual(formatSpread({ n: 1, min: 15.71, median: 15.71, max: 15.71 }), '15.7');
strictEqual(formatSpread(undefined), '-');
strictEqual(formatRatio({ n: 5, median: 0.923, low: 0.851, high: 1.012 }), '0.92x [0.85-1.01]');
strictEqual(formatRatio({ n: 1, median: 0.923, low: 0.923, high: 0.923 }), '0.92x (1 round)');

console.log('stats: all checks passed');
