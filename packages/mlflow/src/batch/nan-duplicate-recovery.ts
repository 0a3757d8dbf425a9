import type { Metric } from '../model/metric.js';
import type { LogBatchChunk, WireMetric } from './wire-entities.js';

/** Reads the stored history of one metric key. */
export type HistoryReader = (key: string) => Promise<readonly Metric[]>;

function slot(step: number, timestamp: number): string {
  return `${step}@${timestamp}`;
}

/**
 * MLflow's SQL store de-duplicates a re-sent metric by comparing values, and NaN never equals NaN: re-sending a NaN
 * metric that is already stored answers 400 `BAD_REQUEST` and stores none of the request's metrics or tags. This
 * happens when a retry follows a lost answer. Given such a rejected request, this reads the history of its NaN
 * metrics' keys and returns the request without the NaN metrics already stored (same key, step and timestamp), or
 * `undefined` when none is stored (then the error has another cause and must be reported).
 */
export async function withoutStoredNaNMetrics(
  chunk: LogBatchChunk,
  readHistory: HistoryReader,
): Promise<LogBatchChunk | undefined> {
  const nanKeys = [...new Set(chunk.metrics.filter((metric) => metric.value === 'NaN').map((metric) => metric.key))];
  if (nanKeys.length === 0) return undefined;
  const storedNaN = new Map<string, Set<string>>();
  for (const key of nanKeys) {
    const history = await readHistory(key);
    storedNaN.set(
      key,
      new Set(history.filter((metric) => Number.isNaN(metric.value)).map((metric) => slot(metric.step, metric.timestamp))),
    );
  }
  const isStored = (metric: WireMetric): boolean =>
    metric.value === 'NaN' && (storedNaN.get(metric.key)?.has(slot(metric.step, metric.timestamp)) ?? false);
  const remaining = chunk.metrics.filter((metric) => !isStored(metric));
  if (remaining.length === chunk.metrics.length) return undefined;
  return { ...chunk, metrics: remaining };
}
