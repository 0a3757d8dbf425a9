import * as tf from '@tensorflow/tfjs-core';
import { unregisterWasmKernels } from '@kdlab/wasm-kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { seededValues } from '../support/seeded-values.js';
import { FusedAdamOptimizer, selectBackend, type FusedAdamPath } from '@kdlab/core';

const SHAPES: Record<string, number[]> = { dense: [37, 11], bias: [11], tail: [3] };
let nextVariable = 0;

const values = seededValues;

/** Variables named uniquely per call, with the same initial values each time. */
function makeVariables(): Record<string, tf.Variable> {
  const id = nextVariable++;
  return Object.fromEntries(
    Object.entries(SHAPES).map(([name, shape], i) => [name, tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape), 100 + i), shape), true, `fused-adam-${id}-${name}`)]),
  );
}

/** Runs `steps` Adam steps with fixed pseudo-random gradients and returns the variables' values. */
function train(optimizer: tf.Optimizer, variables: Record<string, tf.Variable>, steps: number, firstStep = 0, poke?: (step: number) => void): number[][] {
  for (let step = firstStep; step < firstStep + steps; step++) {
    poke?.(step);
    const gradients = Object.fromEntries(
      Object.entries(variables).map(([name, variable], i) => [variable.name, tf.tensor(values(variable.size, 1000 * step + i), variable.shape)]),
    );
    tf.tidy(() => optimizer.applyGradients(gradients)); // as the trainer calls it
    tf.dispose(Object.values(gradients));
  }
  return Object.values(variables).map((variable) => [...variable.dataSync()]);
}

function expectBitIdentical(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => expect(row.every((value, j) => Object.is(value, expected[i]![j]))).toBe(true));
}

const settings = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

async function useBackend(name: 'cpu' | 'wasm' | 'wasm-stock'): Promise<void> {
  await selectBackend(name === 'cpu' ? 'cpu' : 'wasm');
  if (name === 'wasm-stock') unregisterWasmKernels();
}

describe('FusedAdamOptimizer', () => {
  afterAll(() => selectBackend('wasm'));

  const cases: Array<['cpu' | 'wasm' | 'wasm-stock', FusedAdamPath]> = [
    ['cpu', 'host'],
    ['wasm', 'kernel'],
    ['wasm-stock', 'ops'],
  ];
  for (const [backend, path] of cases) {
    it(`on ${backend} takes the '${path}' path and equals tf.train.adam bit for bit over 5 steps`, async () => {
      await useBackend(backend);
      const reference = tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
      const expected = train(reference, makeVariables(), 5);
      const fused = new FusedAdamOptimizer(settings);
      const actual = train(fused, makeVariables(), 5);
      expect(fused.updatePath).toBe(path);
      expectBitIdentical(actual, expected);
      expect(Math.abs(actual[0]![0]! - values(1, 100)[0]!)).toBeGreaterThan(0.01);
      reference.dispose();
      fused.dispose();
    });

    it(`on ${backend} keeps the tensor count flat across steps`, async () => {
      await useBackend(backend);
      const fused = new FusedAdamOptimizer(settings);
      const variables = makeVariables();
      train(fused, variables, 1);
      const tensors = tf.memory().numTensors;
      train(fused, variables, 4, 1);
      expect(tf.memory().numTensors).toBe(tensors);
      fused.dispose();
      tf.dispose(Object.values(variables));
    });

    it(`on ${backend} sees a variable assigned from outside between steps`, async () => {
      await useBackend(backend);
      const poke = (variables: Record<string, tf.Variable>) => (step: number) => {
        if (step === 2) variables['dense']!.assign(tf.fill(SHAPES['dense']!, 0.5));
      };
      const referenceVariables = makeVariables();
      const expected = train(tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon), referenceVariables, 4, 0, poke(referenceVariables));
      const fusedVariables = makeVariables();
      const actual = train(new FusedAdamOptimizer(settings), fusedVariables, 4, 0, poke(fusedVariables));
      expectBitIdentical(actual, expected);
    });

    it(`on ${backend} resumes from getWeights/setWeights exactly`, async () => {
      await useBackend(backend);
      const straight = makeVariables();
      const expected = train(new FusedAdamOptimizer(settings), straight, 6);

      const resumed = makeVariables();
      const first = new FusedAdamOptimizer(settings);
      train(first, resumed, 3);
      const saved = await first.getWeights();
      expect(saved.map(({ name }) => name)).toEqual(['iter', ...Object.values(resumed).map((v) => `${v.name}/m`), ...Object.values(resumed).map((v) => `${v.name}/v`)]);
      const copies = saved.map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
      const second = new FusedAdamOptimizer(settings);
      await second.setWeights(copies);
      expectBitIdentical(train(second, resumed, 3, 3), expected);
    });
  }

  it('names the variable whose gradient has the wrong shape', async () => {
    await useBackend('cpu');
    const variables = makeVariables();
    const fused = new FusedAdamOptimizer(settings);
    const wrong = tf.zeros([11, 37]);
    expect(() => fused.applyGradients({ [variables['dense']!.name]: wrong })).toThrow(/gradient of 'fused-adam-\d+-dense' is \[11, 37\] but the variable is \[37, 11\]/);
  });

  it('refuses to continue on another backend', async () => {
    await useBackend('cpu');
    const variables = makeVariables();
    const fused = new FusedAdamOptimizer(settings);
    train(fused, variables, 1);
    await useBackend('wasm');
    expect(() => train(fused, variables, 1, 1)).toThrow(/created its state on the 'cpu' backend, but 'wasm' is active/);
  });
});
