import type { WireMetricValue } from '../wire/metric-value.js';

/** A metric as `runs/log-batch` and `runs/log-metric` send it. */
export interface WireMetric {
  /** Metric key. */
  readonly key: string;
  /** Finite number, or `"NaN"` / `"Infinity"` / `"-Infinity"`. */
  readonly value: WireMetricValue;
  /** Integer ms since the epoch. */
  readonly timestamp: number;
  /** Integer step. */
  readonly step: number;
}

/** A param or tag as `runs/log-batch` sends it (the value is always a string). */
export interface WireKeyValue {
  /** Key. */
  readonly key: string;
  /** Value. */
  readonly value: string;
}

/** What one `runs/log-batch` request carries. */
export interface LogBatchChunk {
  /** Metrics of this request. */
  readonly metrics: readonly WireMetric[];
  /** Params of this request. */
  readonly params: readonly WireKeyValue[];
  /** Tags of this request. */
  readonly tags: readonly WireKeyValue[];
}
