import { MlflowValidationError } from '../errors/validation-error.js';
import { posixNormpath } from './posix-normpath.js';
import { codePointLength } from './text-length.js';

/** Longest metric, param or tag key MLflow accepts. */
export const MAX_KEY_LENGTH = 250;

/** MLflow's `^[/\w.\- ]*$` with Python's Unicode `\w` (letters, digits, underscore of any script). */
const VALID_KEY = /^[\p{L}\p{N}_/. -]*$/u;

/**
 * Checks a metric, param or tag key as MLflow does: at most 250 characters, only letters, digits, `_`, `-`, `.`,
 * space and `/`, and not path-like (`a//b`, `/x`, `../x`, `x/` resolve to other names). `field` names it in the error.
 */
export function validateKey(key: unknown, field: string): string {
  if (typeof key !== 'string') throw new MlflowValidationError(field, `expected a string key, got ${typeof key}`);
  if (key === '') throw new MlflowValidationError(field, 'a key must not be empty');
  if (codePointLength(key) > MAX_KEY_LENGTH) {
    throw new MlflowValidationError(field, `key '${key.slice(0, 40)}…' is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!VALID_KEY.test(key)) {
    throw new MlflowValidationError(
      field,
      `key '${key}' may only contain letters, digits, underscores (_), dashes (-), periods (.), spaces and slashes (/)`,
    );
  }
  const normalised = posixNormpath(key);
  if (normalised !== key || normalised === '.' || normalised.startsWith('..') || normalised.startsWith('/')) {
    throw new MlflowValidationError(field, `key '${key}' is path-like: it would resolve to '${normalised}'`);
  }
  return key;
}
