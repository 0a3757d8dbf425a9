import type { LossState } from '@kdlab/core';

/**
 * Checks the shape of a state given to a loss's `restoreState`: `values` and `arrays` are objects that
 * hold exactly the names the loss saves. Throws an error naming the loss and the names missing or
 * not expected (a state saved by another loss, or by an instance created with other options).
 *
 * @param lossId - the loss restoring the state, named in the error.
 * @param state - the state given to `restoreState`.
 * @param valueNames - the names `state.values` must hold.
 * @param arrayNames - the names `state.arrays` must hold.
 */
export function checkStateNames(lossId: string, state: LossState, valueNames: readonly string[], arrayNames: readonly string[]): void {
  for (const [part, expected] of [
    ['values', valueNames],
    ['arrays', arrayNames],
  ] as const) {
    const held: unknown = (state as Partial<LossState> | undefined)?.[part];
    if (typeof held !== 'object' || held === null) {
      throw new Error(`${lossId} loss: cannot restore its state: state.${part} is ${held === null ? 'null' : typeof held}, expected an object holding ${describeNames(expected)}.`);
    }
    const names = Object.keys(held);
    const missing = expected.filter((name) => !names.includes(name));
    const unexpected = names.filter((name) => !expected.includes(name));
    if (missing.length > 0 || unexpected.length > 0) {
      const problems = [
        ...(missing.length > 0 ? [`missing ${missing.map((name) => `${part}.${name}`).join(', ')}`] : []),
        ...(unexpected.length > 0 ? [`unexpected ${unexpected.map((name) => `${part}.${name}`).join(', ')}`] : []),
      ];
      throw new Error(`${lossId} loss: cannot restore its state: ${problems.join('; ')} (a ${lossId} state holds ${part} ${describeNames(expected)}).`);
    }
  }
}

/**
 * A number (or `null`) of a state's `values`, checked by `valid`; throws an error naming the loss,
 * the field, what it holds and what was expected.
 *
 * @param lossId - the loss restoring the state, named in the error.
 * @param state - the state (its names already checked by {@link checkStateNames}).
 * @param name - the value's name.
 * @param valid - whether the value is acceptable.
 * @param expected - what an acceptable value is, for the error (e.g. `a whole number of at least 0`).
 */
export function stateValue(lossId: string, state: LossState, name: string, valid: (value: number | null) => boolean, expected: string): number | null {
  const value: unknown = state.values[name];
  if (!(value === null || typeof value === 'number') || !valid(value)) {
    throw new Error(`${lossId} loss: cannot restore its state: values.${name} is ${describeValue(value)}, expected ${expected}.`);
  }
  return value;
}

/**
 * A float array of a state's `arrays`, checked to hold `expectedLength` floats; throws an error
 * naming the loss, the field and both sizes.
 *
 * @param lossId - the loss restoring the state, named in the error.
 * @param state - the state (its names already checked by {@link checkStateNames}).
 * @param name - the array's name.
 * @param expectedLength - the floats this instance holds there.
 * @param holder - what holds them in this instance, for the error (e.g. `the student memory bank (10 rows × 4)`).
 */
export function stateArray(lossId: string, state: LossState, name: string, expectedLength: number, holder: string): Float32Array {
  const array: unknown = state.arrays[name];
  if (!(array instanceof Float32Array)) {
    throw new Error(`${lossId} loss: cannot restore its state: arrays.${name} is ${describeValue(array)}, expected a Float32Array of ${expectedLength} floats for ${holder}.`);
  }
  if (array.length !== expectedLength) {
    throw new Error(
      `${lossId} loss: cannot restore its state: arrays.${name} holds ${array.length} floats, but ${holder} holds ${expectedLength}; ` +
        'the state was saved by an instance created with other options or another training split.',
    );
  }
  return array;
}

/** `a, b and c`, quoted, or `nothing`. */
function describeNames(names: readonly string[]): string {
  if (names.length === 0) return 'nothing';
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length === 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] ?? ''}`;
}

/** A short description of a value of unknown type, for an error. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : typeof value;
}
