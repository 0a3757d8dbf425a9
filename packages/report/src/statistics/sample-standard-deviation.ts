import { sampleMean } from './sample-mean.js';

/**
 * The sample standard deviation (divisor n - 1), computed from the residuals about the mean;
 * exactly 0 when all values are equal.
 *
 * @param values - At least two numbers.
 * @throws RangeError for fewer than two values (the sample standard deviation is undefined).
 */
export function sampleStandardDeviation(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`sampleStandardDeviation: needs at least 2 values, got ${values.length}.`);
  if (values.every((value) => value === values[0])) return 0;
  const mean = sampleMean(values);
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}
