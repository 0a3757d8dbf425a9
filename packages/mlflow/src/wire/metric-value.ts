import { MlflowResponseError } from '../errors/response-error.js';

/** A metric value as sent on the wire: a finite number or one of MLflow's spellings of a non-finite value. */
export type WireMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** How MLflow's SQL store saves +Infinity (the largest double); -Infinity is its negative. */
export const MAX_FLOAT = 1.7976931348623157e308;

/** Encodes a metric value: finite numbers as they are, `NaN`/`±Infinity` as the strings MLflow parses. */
export function encodeMetricValue(value: number): WireMetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/**
 * Decodes a metric value: numbers, and the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. With `maxFloatAsInfinity`,
 * ±1.7976931348623157e308 (how the SQL store saves ±Infinity) reads as ±Infinity.
 */
export function decodeMetricValue(value: unknown, maxFloatAsInfinity: boolean, where: string): number {
  if (typeof value === 'number') {
    if (maxFloatAsInfinity && Math.abs(value) === MAX_FLOAT) return value > 0 ? Infinity : -Infinity;
    return value;
  }
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw new MlflowResponseError(where, `expected a metric value (number, "NaN" or "±Infinity"), got ${JSON.stringify(value)}`);
}
