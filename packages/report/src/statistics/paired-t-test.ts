import type { Interval } from './interval.js';
import { studentTTwoSidedTail } from './student-t-distribution.js';
import { summarizeSample, ZERO_VARIANCE_NOTE } from './summarize-sample.js';

/** One matched pair, e.g. a distilled student and the baseline trained with the same seed. */
export interface MatchedPair {
  /** The treated value (distilled). */
  treated: number;
  /** The control value (baseline). */
  control: number;
}

/** The paired difference treated - control and its paired t-test. */
export interface PairedDifference {
  /** Number of pairs. */
  n: number;
  /** Mean of the differences. */
  meanDifference: number;
  /** Sample standard deviation of the differences; absent when n = 1. */
  sd?: number;
  /** Confidence interval of the mean difference (t distribution, n - 1 degrees of freedom); absent when n = 1. */
  ci?: Interval;
  /** The confidence level of `ci`. */
  level: number;
  /** Degrees of freedom, n - 1. */
  degreesOfFreedom: number;
  /** t = mean / (sd / √n); ±Infinity when the differences are equal and non-zero; absent when undefined. */
  tStatistic?: number;
  /** Two-sided p-value of the paired t-test (H0: mean difference 0); absent when the test is undefined. */
  pValue?: number;
  /** Why the interval or the test is missing or degenerate, when it is. */
  note?: string;
}

/** The note when every difference is exactly zero. */
export const ALL_DIFFERENCES_ZERO_NOTE = 'every difference is 0: the t-test is undefined';

/**
 * The paired difference treated - control: its mean, sd, t confidence interval and the two-sided
 * paired t-test (as scipy's `ttest_rel`). With n = 1 there is no interval and no test. When all
 * differences are equal the interval has width 0 and t is ±Infinity (p = 0), or undefined when
 * they are all 0.
 *
 * @param pairs - At least one pair of finite numbers.
 * @param level - Confidence level in (0, 1); default 0.95.
 * @throws RangeError for no pairs or a non-finite value.
 */
export function pairedDifference(pairs: readonly MatchedPair[], level = 0.95): PairedDifference {
  if (pairs.length === 0) throw new RangeError('pairedDifference: no pairs.');
  const differences = pairs.map((pair) => pair.treated - pair.control);
  const summary = summarizeSample(differences, level);
  const result: PairedDifference = { n: summary.n, meanDifference: summary.mean, level, degreesOfFreedom: summary.n - 1 };
  if (summary.sd === undefined || summary.ci === undefined) {
    if (summary.note !== undefined) result.note = summary.note;
    return result;
  }
  result.sd = summary.sd;
  result.ci = summary.ci;
  if (summary.sd === 0) {
    if (summary.mean === 0) {
      result.note = ALL_DIFFERENCES_ZERO_NOTE;
      return result;
    }
    result.tStatistic = summary.mean > 0 ? Infinity : -Infinity;
    result.pValue = 0;
    result.note = ZERO_VARIANCE_NOTE;
    return result;
  }
  const t = summary.mean / (summary.sd / Math.sqrt(summary.n));
  result.tStatistic = t;
  result.pValue = studentTTwoSidedTail(t, summary.n - 1);
  return result;
}
