import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from '../support/seeded-values.js';
import { selectBackend } from '@kdlab/core';
import { applyMaxNorm } from '../../src/engine/max-norm.js';

/** Each unit's (last axis's) incoming weight vector, in plain JS: unit u holds the elements i with i % units === u. */
function unitVectors(values: ArrayLike<number>, units: number): number[][] {
  const vectors = Array.from({ length: units }, () => [] as number[]);
  for (let i = 0; i < values.length; i++) vectors[i % units]!.push(values[i]!);
  return vectors;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

/** The expected result in plain JS: vectors longer than maxNorm scaled to it, the others as they were. */
function expectedMaxNorm(values: ArrayLike<number>, units: number, maxNorm: number): number[] {
  const norms = unitVectors(values, units).map(norm);
  return Array.from(values, (value, i) => (norms[i % units]! > maxNorm ? (value * maxNorm) / norms[i % units]! : value));
}

let nextName = 0;
function variable(values: Float32Array | number[], shape: number[]): tf.Variable {
  return tf.variable(tf.tensor(values, shape), true, `max-norm-test-${nextName++}`);
}

describe('applyMaxNorm', () => {
  beforeAll(() => selectBackend('cpu'));

  it('scales a dense kernel\'s columns above the norm to exactly maxNorm and leaves the others as they were', () => {
    // columns (units): norms 5, 0.5, sqrt(13) ~ 3.61, 0 (in [in = 2, units = 4] layout)
    const values = [
      3, 0.3, 2, 0,
      4, 0.4, 3, 0,
    ];
    const kernel = variable(values, [2, 4]);
    applyMaxNorm([kernel], 2);
    const after = [...kernel.dataSync()];
    const expected = expectedMaxNorm(values, 4, 2);
    after.forEach((value, i) => expect(value, `element ${i}`).toBeCloseTo(expected[i]!, 6));
    expect(after[0]).toBeCloseTo(1.2, 6);
    expect(after[4]).toBeCloseTo(1.6, 6);
    const norms = unitVectors(after, 4).map(norm);
    expect(norms[0]).toBeCloseTo(2, 6);
    expect(norms[2]).toBeCloseTo(2, 6);
    // inside the ball: bit-identical, and an all-zero column stays zero (no NaN)
    expect([after[1], after[5]]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect([after[3], after[7]]).toEqual([0, 0]);
    kernel.dispose();
  });

  it('agrees with a plain-JS computation on a random dense kernel, and leaves biases alone', () => {
    const values = seededValues(30 * 12, 7).map((v, i) => v * 0.2 * (1 + (i % 12))); // column u scaled by 0.2 (u + 1)
    const biasValues = seededValues(12, 8).map((v) => v * 10);
    const kernel = variable(values, [30, 12]);
    const bias = variable(biasValues, [12]);
    const maxNorm = 3;
    const norms = unitVectors(values, 12).map(norm);
    // the data straddles the bound: some columns above, some below
    expect(norms.some((n) => n > maxNorm) && norms.some((n) => n < maxNorm)).toBe(true);
    applyMaxNorm([kernel, bias], maxNorm);
    const after = kernel.dataSync();
    const expected = expectedMaxNorm(values, 12, maxNorm);
    for (let i = 0; i < after.length; i++) expect(Math.abs(after[i]! - expected[i]!), `element ${i}`).toBeLessThan(1e-6);
    unitVectors(after, 12).forEach((vector, u) => expect(norm(vector), `unit ${u}`).toBeLessThanOrEqual(maxNorm + 1e-5));
    expect(bias.dataSync()).toEqual(biasValues);
    tf.dispose([kernel, bias]);
  });

  it('takes a convolution kernel [h, w, in, out] unit by unit, the norm over every axis but the last', () => {
    const shape = [3, 3, 2, 5];
    const values = seededValues(3 * 3 * 2 * 5, 21).map((v, i) => v * 0.25 * (1 + (i % 5))); // unit u scaled by (u + 1) / 4
    const kernel = variable(values, shape);
    const maxNorm = 1.2;
    const normsBefore = unitVectors(values, 5).map(norm);
    expect(normsBefore.some((n) => n > maxNorm) && normsBefore.some((n) => n < maxNorm)).toBe(true);
    applyMaxNorm([kernel], maxNorm);
    const after = kernel.dataSync();
    const expected = expectedMaxNorm(values, 5, maxNorm);
    for (let i = 0; i < after.length; i++) expect(Math.abs(after[i]! - expected[i]!), `element ${i}`).toBeLessThan(1e-6);
    const normsAfter = unitVectors(after, 5).map(norm);
    normsAfter.forEach((n, u) => expect(n, `unit ${u}`).toBeCloseTo(Math.min(normsBefore[u]!, maxNorm), 5));
    kernel.dispose();
  });

  it('leaves no tensor behind', () => {
    const kernel = variable(seededValues(64, 3), [8, 8]);
    const bias = variable(seededValues(8, 4), [8]);
    const before = tf.memory().numTensors;
    applyMaxNorm([kernel, bias], 0.5);
    applyMaxNorm([kernel, bias], 0.5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([kernel, bias]);
  });

  it('rejects a maxNorm that is not a positive number, naming it', () => {
    const kernel = variable([1, 2, 3, 4], [2, 2]);
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => applyMaxNorm([kernel], bad)).toThrow(RangeError);
      expect(() => applyMaxNorm([kernel], bad)).toThrow(`maxNorm is ${bad}, expected a positive number`);
    }
    expect([...kernel.dataSync()]).toEqual([1, 2, 3, 4]);
    kernel.dispose();
  });
});
