import { MlflowValidationError } from '../errors/validation-error.js';
import type { MetricInput } from '../model/metric.js';
import type { LogBatchInput, ParamValue } from '../model/run.js';
import { validateKey } from '../validation/keys.js';
import { validateInteger, validateMetricValue, validateTimestamp } from '../validation/numbers.js';
import { codePointLength } from '../validation/text-length.js';
import { encodeMetricValue } from '../wire/metric-value.js';
import { MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH } from './log-batch-limits.js';
import { truncatedParamValue } from './long-param.js';
import type { WireKeyValue, WireMetric } from './wire-entities.js';

/** A param too long for MLflow: its full value goes to an artifact, a marked truncated value is logged. */
export interface LongParam {
  /** Param key. */
  readonly key: string;
  /** The whole value. */
  readonly fullValue: string;
}

/** A log call checked and encoded, ready to be split and sent. */
export interface PreparedLogBatch {
  /** Encoded metrics, exact repeats removed. */
  readonly metrics: readonly WireMetric[];
  /** Params as strings (long ones already replaced by their marked truncation). */
  readonly params: readonly WireKeyValue[];
  /** Tags. */
  readonly tags: readonly WireKeyValue[];
  /** Params whose full value must be stored as an artifact before they are logged. */
  readonly longParams: readonly LongParam[];
}

/** Checks and encodes one metric; `now` is the timestamp used when none is given. */
export function prepareMetric(metric: MetricInput, now: number, field: string): WireMetric {
  if (typeof metric !== 'object' || metric === null) throw new MlflowValidationError(field, 'expected a metric object');
  return {
    key: validateKey(metric.key, `${field}.key`),
    value: encodeMetricValue(validateMetricValue(metric.value, `${field}.value`)),
    timestamp: validateTimestamp(metric.timestamp ?? now, `${field}.timestamp`),
    step: validateInteger(metric.step ?? 0, `${field}.step`),
  };
}

/** Turns a param value into the string MLflow stores (numbers and booleans by `String()`). */
export function paramValueString(value: ParamValue, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MlflowValidationError(field, `expected a string, number or boolean, got ${typeof value}`);
}

/** Checks and encodes one param, replacing a value over 6000 characters by its marked truncation. */
export function prepareParam(key: string, value: ParamValue, field: string): { param: WireKeyValue; long?: LongParam } {
  validateKey(key, field);
  const text = paramValueString(value, field);
  if (codePointLength(text) <= MAX_PARAM_VALUE_LENGTH) return { param: { key, value: text } };
  return { param: { key, value: truncatedParamValue(key, text) }, long: { key, fullValue: text } };
}

/** Checks one run tag; a value over 5000 characters is refused rather than silently cut by the server. */
export function prepareTag(key: string, value: unknown, field: string): WireKeyValue {
  validateKey(key, field);
  if (typeof value !== 'string') throw new MlflowValidationError(field, `expected a string tag value, got ${typeof value}`);
  const length = codePointLength(value);
  if (length > MAX_TAG_VALUE_LENGTH) {
    throw new MlflowValidationError(
      field,
      `tag value has ${length} characters; MLflow keeps at most ${MAX_TAG_VALUE_LENGTH} and would cut it silently`,
    );
  }
  return { key, value };
}

function metricIdentity(metric: WireMetric): string {
  return JSON.stringify([metric.key, metric.step, metric.timestamp, metric.value]);
}

/** Checks and encodes a whole log call. Throws {@link MlflowValidationError} naming the first bad field. */
export function prepareLogBatch(input: LogBatchInput, now: number): PreparedLogBatch {
  const seen = new Set<string>();
  const metrics: WireMetric[] = [];
  (input.metrics ?? []).forEach((metric, index) => {
    const prepared = prepareMetric(metric, now, `metrics[${index}]`);
    const identity = metricIdentity(prepared);
    if (seen.has(identity)) return;
    seen.add(identity);
    metrics.push(prepared);
  });
  const params: WireKeyValue[] = [];
  const longParams: LongParam[] = [];
  for (const [key, value] of Object.entries(input.params ?? {})) {
    const { param, long } = prepareParam(key, value, `params.${key}`);
    params.push(param);
    if (long !== undefined) longParams.push(long);
  }
  const tags = Object.entries(input.tags ?? {}).map(([key, value]) => prepareTag(key, value, `tags.${key}`));
  return { metrics, params, tags, longParams };
}
