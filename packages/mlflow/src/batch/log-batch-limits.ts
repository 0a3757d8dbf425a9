/** How much one `runs/log-batch` request may carry (MLflow answers 400 over any of these). */
export interface LogBatchLimits {
  /** Metrics per request. */
  readonly metrics: number;
  /** Params per request. */
  readonly params: number;
  /** Tags per request. */
  readonly tags: number;
  /** Metrics, params and tags together per request. */
  readonly total: number;
}

/** MLflow 2.x limits: 1000 metrics, 100 params, 100 tags, 1000 items in all. */
export const LOG_BATCH_LIMITS: LogBatchLimits = { metrics: 1000, params: 100, tags: 100, total: 1000 };

/** Longest param value MLflow keeps (longer ones are silently cut). */
export const MAX_PARAM_VALUE_LENGTH = 6000;

/** Longest run tag value MLflow keeps (longer ones are silently cut). */
export const MAX_TAG_VALUE_LENGTH = 5000;
