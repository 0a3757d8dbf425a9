/** One stored metric value. */
export interface Metric {
  /** Metric key, e.g. `train/loss`. */
  readonly key: string;
  /** The value; `NaN`, `Infinity` and `-Infinity` included. */
  readonly value: number;
  /** When it was logged, in ms since the epoch. */
  readonly timestamp: number;
  /** Integer step. */
  readonly step: number;
}

/** One metric value to log. */
export interface MetricInput {
  /** Metric key: at most 250 characters of letters, digits, `_ - . /` and space, not path-like. */
  readonly key: string;
  /** Any number; non-finite values are sent as MLflow expects them (`"NaN"`, `"Infinity"`, `"-Infinity"`). */
  readonly value: number;
  /** Integer step; default 0. A fractional step is refused (MLflow would store it as 0). */
  readonly step?: number;
  /** Integer ms since the epoch, >= 0; default: when the call was made (fixed across retries). */
  readonly timestamp?: number;
}
