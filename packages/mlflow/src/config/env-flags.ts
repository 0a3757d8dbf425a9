import { MlflowConfigError } from '../errors/config-error.js';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', '']);

/** Reads a boolean environment variable (`true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`); unset is `undefined`. */
export function readBooleanFlag(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new MlflowConfigError(name, `expected true/false (or 1/0), got '${raw}'`);
}
