/**
 * The arithmetic mean of a sample.
 *
 * @param values - At least one number.
 * @throws RangeError for an empty sample.
 */
export function sampleMean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('sampleMean: the sample is empty.');
  if (values.every((value) => value === values[0])) return values[0]!;
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  // One correction pass: the mean of the residuals removes most of the rounding of the first sum.
  let residual = 0;
  for (const value of values) residual += value - mean;
  return mean + residual / values.length;
}
