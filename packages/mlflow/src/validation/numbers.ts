import { MlflowValidationError } from '../errors/validation-error.js';

/** Checks an int64 field sent as a JSON number: a safe integer (a fractional step would be stored as 0). */
export function validateInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MlflowValidationError(field, `expected an integer, got ${String(value)}`);
  }
  return value;
}

/** Checks a timestamp in ms: a non-negative safe integer. */
export function validateTimestamp(value: unknown, field: string): number {
  const timestamp = validateInteger(value, field);
  if (timestamp < 0) throw new MlflowValidationError(field, `expected a timestamp >= 0 (ms since the epoch), got ${timestamp}`);
  return timestamp;
}

/** Checks a metric value: any JavaScript number (non-finite ones are encoded), nothing else. */
export function validateMetricValue(value: unknown, field: string): number {
  if (typeof value !== 'number') {
    throw new MlflowValidationError(field, `expected a number, got ${typeof value} ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks an optional page size against MLflow's bound. */
export function validateMaxResults(value: number | undefined, field: string, limit: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1 || value > limit) {
    throw new MlflowValidationError(field, `expected an integer in 1..${limit}, got ${value}`);
  }
  return value;
}
