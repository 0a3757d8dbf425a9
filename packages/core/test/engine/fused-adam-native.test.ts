import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { seededValues } from '../support/seeded-values.js';
import { FusedAdamOptimizer, selectBackend } from '@kdlab/core';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// tfjs-node is an optional backend (built by `kdlab native build`); without it these tests skip.
const unavailable = await nativeBackendUnavailable('FusedAdamOptimizer on tfjs-node');

const settings = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
let nextId = 0;

const values = seededValues;

function variables(): tf.Variable[] {
  const id = nextId++;
  return [[29, 13], [13], [5]].map((shape, i) => tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape), 7 + i), shape), true, `native-adam-${id}-${i}`));
}

function train(optimizer: tf.Optimizer, vars: tf.Variable[], steps: number, first = 0, poke?: (step: number) => void): Float32Array[] {
  for (let step = first; step < first + steps; step++) {
    poke?.(step);
    // gradients shrinking over steps, with some tiny ones (epsilon matters there)
    const gradients = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(values(v.size, 100 * step + i).map((g, j) => (j % 7 === 0 ? g * 1e-6 : g)), v.shape)]));
    tf.tidy(() => optimizer.applyGradients(gradients)); // as the trainer calls it
    tf.dispose(Object.values(gradients));
  }
  return vars.map((v) => v.dataSync() as Float32Array);
}

function expectClose(actual: Float32Array[], expected: Float32Array[]): void {
  actual.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - expected[i]![j]!)).toBeLessThan(2e-6 * Math.max(1, Math.abs(expected[i]![j]!)))));
}

describe.skipIf(unavailable !== undefined)('FusedAdamOptimizer on tfjs-node (TensorFlow ResourceApplyAdam)', () => {
  afterAll(() => selectBackend('wasm'));

  it("takes the 'native' path and agrees with tf.train.adam to float32 rounding over 6 steps", () => {
    const expected = train(tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon), variables(), 6);
    const fused = new FusedAdamOptimizer(settings);
    const actual = train(fused, variables(), 6);
    expect(fused.updatePath).toBe('native');
    expectClose(actual, expected);
    expect(Math.abs(actual[0]![0]! - values(1, 7)[0]!)).toBeGreaterThan(0.01);
  });

  it('keeps the tensor count flat, sees outside assignments and resumes from getWeights/setWeights', async () => {
    const fused = new FusedAdamOptimizer(settings);
    const vars = variables();
    train(fused, vars, 1);
    const tensors = tf.memory().numTensors;
    train(fused, vars, 3, 1);
    expect(tf.memory().numTensors).toBe(tensors);

    const poke = (vs: tf.Variable[]) => (step: number) => {
      if (step === 2) vs[0]!.assign(tf.fill([29, 13], 0.25));
    };
    const refVars = variables();
    const expected = train(tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon), refVars, 4, 0, poke(refVars));
    const pokedVars = variables();
    expectClose(train(new FusedAdamOptimizer(settings), pokedVars, 4, 0, poke(pokedVars)), expected);

    const straight = train(new FusedAdamOptimizer(settings), variables(), 5);
    const resumedVars = variables();
    const first = new FusedAdamOptimizer(settings);
    train(first, resumedVars, 2);
    const second = new FusedAdamOptimizer(settings);
    await second.setWeights((await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
    expectClose(train(second, resumedVars, 3, 2), straight);
  });
});
