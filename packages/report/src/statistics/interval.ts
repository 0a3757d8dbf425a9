/** A closed interval of values, e.g. a confidence interval. */
export interface Interval {
  /** Lower end. */
  low: number;
  /** Upper end. */
  high: number;
}
