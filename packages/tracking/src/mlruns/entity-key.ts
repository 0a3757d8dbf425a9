/** The longest key MLflow accepts for a param, metric or tag (in characters). */
export const MAX_ENTITY_KEY_LENGTH = 250;

/** What a key names, for error messages: MLflow validates the three kinds alike. */
export type EntityKind = 'param' | 'metric' | 'tag';

/**
 * MLflow's allowed characters: Python's `\w` (Unicode letters and digits, underscore) plus
 * `/`, `.`, `-` and space.
 */
const VALID_KEY_CHARACTERS = /^[\p{L}\p{N}_/.\- ]*$/u;

/**
 * Says why MLflow would reject `key` as a param, metric or tag name, or `undefined` when it is valid.
 *
 * The rules are MLflow 2.12's: at most 250 characters; only letters, digits, `_`, `-`, `.`, space
 * and `/`; and not path-like (no leading `/` or `..`, no empty, `.` or `..` segment, no trailing
 * `/`), because the key becomes a file path in the store.
 *
 * @param kind - What the key names.
 * @param key - The key to check.
 */
export function entityKeyProblem(kind: EntityKind, key: string): string | undefined {
  const length = [...key].length;
  if (length === 0) return `${kind} key is empty`;
  if (length > MAX_ENTITY_KEY_LENGTH) {
    return `${kind} key '${key.slice(0, 40)}...' has ${length} characters, more than ${MAX_ENTITY_KEY_LENGTH}`;
  }
  if (!VALID_KEY_CHARACTERS.test(key)) {
    return `${kind} key '${key}' has a character other than letters, digits, '_', '-', '.', ' ' and '/'`;
  }
  const pathLike =
    key.startsWith('/') || key.startsWith('..') || key.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (pathLike) {
    return `${kind} key '${key}' is path-like (a leading '/' or '..', or an empty, '.' or '..' segment)`;
  }
  return undefined;
}

/**
 * Throws when MLflow would reject `key` (see {@link entityKeyProblem}).
 *
 * @param kind - What the key names.
 * @param key - The key to check.
 * @throws Error naming the key and the rule it breaks.
 */
export function assertValidEntityKey(kind: EntityKind, key: string): void {
  const problem = entityKeyProblem(kind, key);
  if (problem !== undefined) throw new Error(`Invalid ${problem}.`);
}
