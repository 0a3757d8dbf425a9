import { resolveArtifactPath } from '../mlruns/artifact-path.js';
import { assertValidEntityKey } from '../mlruns/entity-key.js';
import { fitValueToLimit, MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH } from '../mlruns/long-values.js';
import type { MetricPoint } from '@kdlab/core';
import { encodeMetricValue, type MetricsRecord } from '../journal/journal-records.js';

/** Values ready to journal, and the full texts of those that had to be shortened. */
export interface FittedValues {
  /** Keys and values as MLflow will store them (each within its length limit). */
  values: Record<string, string>;
  /** Artifacts holding the full text of shortened values: run-relative path and text. */
  fullValues: { path: string; text: string }[];
}

/**
 * Checks and stringifies params as the local store does: valid keys, string/number/boolean values,
 * values over 6000 characters shortened with a note (the full text going to an artifact), and no
 * change to a param already logged in this run.
 *
 * @param runLabel - How errors name the run, e.g. `run 0f3c...`.
 * @param params - The call's params.
 * @param logged - The values this run already logged, by key; the call's values are added.
 * @throws Error naming the key for a bad key or value, or a changed param (then nothing is added).
 */
export function checkedParams(
  runLabel: string,
  params: Record<string, string | number | boolean>,
  logged: Map<string, string>,
): FittedValues {
  const fitted: FittedValues = { values: {}, fullValues: [] };
  for (const [key, value] of Object.entries(params)) {
    assertValidEntityKey('param', key);
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new Error(`Param '${key}' of ${runLabel}: value must be a string, number or boolean, got ${typeof value}.`);
    }
    const { stored, fullValueArtifact } = fitValueToLimit('params', key, String(value), MAX_PARAM_VALUE_LENGTH);
    const previous = logged.get(key);
    if (previous !== undefined && previous !== stored) {
      throw new Error(
        `Param '${key}' of ${runLabel} was already logged with value '${shorten(previous)}'; ` +
          `it cannot change to '${shorten(stored)}' (MLflow params are immutable).`,
      );
    }
    fitted.values[key] = stored;
    if (fullValueArtifact !== undefined) fitted.fullValues.push({ path: fullValueArtifact, text: String(value) });
  }
  for (const [key, stored] of Object.entries(fitted.values)) logged.set(key, stored);
  return fitted;
}

/**
 * Checks tags as the local store does: valid keys, string values, values over 5000 characters
 * shortened with a note (the full text going to an artifact).
 *
 * @param runLabel - How errors name the run.
 * @param tags - The call's tags.
 * @throws Error naming the key for a bad key or value.
 */
export function checkedTags(runLabel: string, tags: Record<string, string>): FittedValues {
  const fitted: FittedValues = { values: {}, fullValues: [] };
  for (const [key, value] of Object.entries(tags)) {
    assertValidEntityKey('tag', key);
    if (typeof value !== 'string') throw new Error(`Tag '${key}' of ${runLabel}: value must be a string, got ${typeof value}.`);
    const { stored, fullValueArtifact } = fitValueToLimit('tags', key, value, MAX_TAG_VALUE_LENGTH);
    fitted.values[key] = stored;
    if (fullValueArtifact !== undefined) fitted.fullValues.push({ path: fullValueArtifact, text: value });
  }
  return fitted;
}

/**
 * Checks metric points as the local store does and fixes their timestamps (`now` when absent), so
 * that a re-sent batch is identical and the server de-duplicates it.
 *
 * @param runLabel - How errors name the run.
 * @param points - The call's points.
 * @param now - The time of the call, in ms.
 * @param validKeys - Keys already found valid (checked once, since a run logs the same keys every
 *   step); keys found valid here are added.
 * @throws Error naming the metric for a bad key, value, step or timestamp.
 */
export function checkedMetrics(
  runLabel: string,
  points: readonly MetricPoint[],
  now: number,
  validKeys: Set<string> = new Set(),
): MetricsRecord['metrics'] {
  return points.map((point) => {
    if (!validKeys.has(point.key)) {
      assertValidEntityKey('metric', point.key);
      validKeys.add(point.key);
    }
    const where = `Metric '${point.key}' of ${runLabel}`;
    if (typeof point.value !== 'number') throw new Error(`${where}: value must be a number, got ${typeof point.value}.`);
    if (!Number.isSafeInteger(point.step)) throw new Error(`${where}: step must be an integer, got ${point.step}.`);
    const timestamp = point.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new Error(`${where}: timestamp must be a non-negative integer (ms), got ${timestamp}.`);
    }
    return { key: point.key, value: encodeMetricValue(point.value), step: point.step, timestamp };
  });
}

/**
 * Checks a run-relative artifact path as the local store does and writes it in the form the
 * server's artifact proxy takes (no empty or `.` segments).
 *
 * @param relativePath - The path given, e.g. `model/model.json`.
 * @throws Error naming the path when it is empty, absolute, or leaves the run.
 */
export function checkedArtifactPath(relativePath: string): string {
  resolveArtifactPath('/', relativePath);
  return relativePath
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

function shorten(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}...` : value;
}
