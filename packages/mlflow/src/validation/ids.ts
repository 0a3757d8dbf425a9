import { MlflowValidationError } from '../errors/validation-error.js';

const RUN_ID = /^[A-Za-z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[A-Za-z0-9][\w-]{0,63}$/;

/** Checks a run id as MLflow does (alphanumeric start, then word characters or dashes, at most 256). */
export function validateRunId(runId: unknown, field = 'runId'): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw new MlflowValidationError(field, `'${String(runId)}' is not a run id`);
  }
  return runId;
}

/** Checks an experiment id (a string such as `"0"` or `"12"`). */
export function validateExperimentId(experimentId: unknown, field = 'experimentId'): string {
  if (typeof experimentId !== 'string' || !EXPERIMENT_ID.test(experimentId)) {
    throw new MlflowValidationError(field, `'${String(experimentId)}' is not an experiment id (ids are strings, e.g. "1")`);
  }
  return experimentId;
}

/** Checks a required non-empty string (names, keys of a lookup). */
export function validateNonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new MlflowValidationError(field, `expected a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}
