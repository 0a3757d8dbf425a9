import { expect } from 'vitest';

/** Asserts `|actual − expected| ≤ absolute + relative · |expected|` entry by entry, naming the entry that fails. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], absolute: number, relative: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => {
    const error = Math.abs((actual[index] ?? Number.NaN) - value);
    expect(error, `entry ${index}: ${actual[index]} vs ${value}`).toBeLessThanOrEqual(absolute + relative * Math.abs(value));
  });
}
