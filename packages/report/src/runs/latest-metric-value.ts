import type { StoredMetricPoint, StoredRun } from './stored-run.js';

/**
 * A metric's latest value, as MLflow picks it: the point with the highest step, then the latest
 * timestamp, then the last written.
 *
 * @param points - The metric's history.
 * @returns The value, or `undefined` for an empty history.
 */
export function latestPointValue(points: readonly StoredMetricPoint[]): number | undefined {
  let latest: StoredMetricPoint | undefined;
  for (const point of points) {
    if (latest === undefined || point.step > latest.step || (point.step === latest.step && point.timestamp >= latest.timestamp)) latest = point;
  }
  return latest?.value;
}

/**
 * A run's latest value of a metric, or `undefined` when the run did not log it or logged a
 * non-finite value (NaN cannot enter a mean).
 *
 * @param run - The run.
 * @param key - The metric key, e.g. `test/accuracy`.
 */
export function latestMetricValue(run: StoredRun, key: string): number | undefined {
  const value = latestPointValue(run.metrics[key] ?? []);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
