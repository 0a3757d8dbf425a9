import type { Metric } from '../model/metric.js';
import { asObject, readInteger, readOptionalInteger, readString } from './json-fields.js';
import { decodeMetricValue } from './metric-value.js';

/** Reads an MLflow `Metric` message (a missing `step` is 0, as protobuf-JSON omits zeros). */
export function decodeMetric(value: unknown, maxFloatAsInfinity: boolean, where: string): Metric {
  const object = asObject(value, where);
  return {
    key: readString(object, 'key', where),
    value: decodeMetricValue(object.value ?? 0, maxFloatAsInfinity, `${where}.value`),
    timestamp: readInteger(object, 'timestamp', where),
    step: readOptionalInteger(object, 'step', where) ?? 0,
  };
}
