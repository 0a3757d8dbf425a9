import type { Interval } from './interval.js';
import { sampleMean } from './sample-mean.js';
import { sampleStandardDeviation } from './sample-standard-deviation.js';
import { studentTQuantile } from './student-t-distribution.js';

/** Mean, spread and confidence interval of a sample (e.g. one metric over seeds). */
export interface SampleSummary {
  /** Number of values. */
  n: number;
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (divisor n - 1); absent when n = 1. */
  sd?: number;
  /** Confidence interval of the mean from the t distribution with n - 1 degrees of freedom; absent when n = 1. */
  ci?: Interval;
  /** The confidence level of `ci`, e.g. 0.95. */
  level: number;
  /** Why the interval is missing or degenerate (n = 1, zero variance), when it is. */
  note?: string;
}

/** The note for a sample of one value. */
export const SINGLE_VALUE_NOTE = 'n = 1: no standard deviation or confidence interval';

/** The note for a sample whose values are all equal. */
export const ZERO_VARIANCE_NOTE = 'zero variance: the confidence interval has width 0';

/**
 * Summarizes a sample: n, mean, sample sd and the t-based confidence interval
 * mean ± t_{(1+level)/2, n-1} · sd / √n.
 *
 * @param values - At least one finite number.
 * @param level - Confidence level in (0, 1); default 0.95.
 * @throws RangeError for an empty sample, a non-finite value, or a level outside (0, 1).
 */
export function summarizeSample(values: readonly number[], level = 0.95): SampleSummary {
  if (values.length === 0) throw new RangeError('summarizeSample: the sample is empty.');
  if (!(level > 0 && level < 1)) throw new RangeError(`summarizeSample: level must lie in (0, 1), got ${level}.`);
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new RangeError(`summarizeSample: value ${bad} is ${values[bad]}, not a finite number.`);
  const mean = sampleMean(values);
  if (values.length === 1) return { n: 1, mean, level, note: SINGLE_VALUE_NOTE };
  const sd = sampleStandardDeviation(values);
  const halfWidth = studentTQuantile((1 + level) / 2, values.length - 1) * (sd / Math.sqrt(values.length));
  const summary: SampleSummary = { n: values.length, mean, sd, ci: { low: mean - halfWidth, high: mean + halfWidth }, level };
  if (sd === 0) summary.note = ZERO_VARIANCE_NOTE;
  return summary;
}
