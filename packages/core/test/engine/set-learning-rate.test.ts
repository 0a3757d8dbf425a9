import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createOptimizer, FusedAdamOptimizer, selectBackend, setLearningRate, trainSettingsSchema, type OptimizerSettings } from '@kdlab/core';

const START = [0.5, -1, 2];
const GRADIENTS = [
  [0.1, -0.2, 0.3],
  [-0.4, 0.5, 0.6],
  [1, 1, -1],
];
/** The rate set before each step: the first optimizer's own, then two changes. */
const RATES = [0.1, 0.01, 0.5];

/** Adam runs in float32 with float32 betas, so 1 - beta2 alone is off by about 1e-5 relative: compare to 5e-6. */
const ADAM_DIGITS = 5;

let nextName = 0;

/** Applies GRADIENTS in turn, setting RATES[step] before each step after the first; returns the value after each step. */
function run(optimizer: tf.Optimizer, rates: readonly number[] = RATES): number[][] {
  const x = tf.variable(tf.tensor1d(START), true, `set-learning-rate-${nextName++}`);
  const trajectory: number[][] = [];
  GRADIENTS.forEach((gradient, step) => {
    if (step > 0) setLearningRate(optimizer, rates[step]!);
    const g = tf.tensor1d(gradient);
    tf.tidy(() => optimizer.applyGradients({ [x.name]: g }));
    g.dispose();
    trajectory.push([...x.dataSync()]);
  });
  x.dispose();
  optimizer.dispose();
  return trajectory;
}

function expectClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, step) => row.forEach((value, i) => expect(value, `step ${step}, element ${i}`).toBeCloseTo(expected[step]![i]!, digits)));
}

/** Plain SGD by hand: x -= rate * g. */
function sgdByHand(): number[][] {
  const x = [...START];
  return GRADIENTS.map((g, step) => {
    g.forEach((gi, i) => (x[i]! -= RATES[step]! * gi));
    return [...x];
  });
}

/** Momentum by hand, as tfjs defines it: a = m a + g; x -= rate * a (Nesterov: x -= rate * (g + m a)). */
function momentumByHand(momentum: number, nesterov: boolean): number[][] {
  const x = [...START];
  const a = [0, 0, 0];
  return GRADIENTS.map((g, step) => {
    g.forEach((gi, i) => {
      a[i] = momentum * a[i]! + gi;
      x[i]! -= RATES[step]! * (nesterov ? gi + momentum * a[i]! : a[i]!);
    });
    return [...x];
  });
}

/** Adam by hand (Kingma and Ba, as tfjs computes it): bias-corrected moments, epsilon outside the root. */
function adamByHand(beta1: number, beta2: number, epsilon: number, rates: readonly number[] = RATES): number[][] {
  const x = [...START];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  return GRADIENTS.map((g, step) => {
    const t = step + 1;
    g.forEach((gi, i) => {
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      const mHat = m[i]! / (1 - beta1 ** t);
      const vHat = v[i]! / (1 - beta2 ** t);
      x[i]! -= (rates[step]! * mHat) / (Math.sqrt(vHat) + epsilon);
    });
    return [...x];
  });
}

function optimizerSettings(optimizer: Record<string, unknown>): OptimizerSettings {
  return trainSettingsSchema.parse({ optimizer: { ...optimizer, learningRate: RATES[0] } }).optimizer;
}

describe('setLearningRate', () => {
  it('makes plain SGD take steps of the new size', async () => {
    await selectBackend('cpu');
    expectClose(run(createOptimizer(optimizerSettings({ kind: 'sgd', momentum: 0 }))), sgdByHand());
  });

  it('makes momentum SGD (and Nesterov momentum) take steps of the new size', async () => {
    await selectBackend('cpu');
    expectClose(run(createOptimizer(optimizerSettings({ kind: 'sgd', momentum: 0.9 }))), momentumByHand(0.9, false));
    expectClose(run(createOptimizer(optimizerSettings({ kind: 'sgd', momentum: 0.5, nesterov: true }))), momentumByHand(0.5, true));
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`makes kdlab's Adam take steps of the new size (on ${backend})`, async () => {
      await selectBackend(backend);
      const settings = optimizerSettings({ kind: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
      const optimizer = createOptimizer(settings);
      expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
      expectClose(run(optimizer), adamByHand(0.8, 0.99, 1e-6), ADAM_DIGITS);
      // the change matters: the same steps at the first rate throughout end elsewhere
      const constant = run(createOptimizer(settings), [RATES[0]!, RATES[0]!, RATES[0]!]);
      expectClose(constant, adamByHand(0.8, 0.99, 1e-6, [RATES[0]!, RATES[0]!, RATES[0]!]), ADAM_DIGITS);
      expect(Math.abs(constant[2]![0]! - adamByHand(0.8, 0.99, 1e-6)[2]![0]!)).toBeGreaterThan(0.1);
    });
  }

  it('freezes the variable at rate 0, while Adam\'s moments still advance', async () => {
    await selectBackend('cpu');
    const trajectory = run(createOptimizer(optimizerSettings({ kind: 'adam' })), [RATES[0]!, 0, 0.5]);
    expect(trajectory[1]).toEqual(trajectory[0]);
    const expected = adamByHand(0.9, 0.999, 1e-7, [RATES[0]!, 0, 0.5]);
    expectClose(trajectory, expected, ADAM_DIGITS);
  });

  it('rejects a negative or non-finite rate for Adam, and an optimizer that cannot change its rate', async () => {
    await selectBackend('cpu');
    const adam = new FusedAdamOptimizer({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => setLearningRate(adam, bad)).toThrow(RangeError);
    expect(() => adam.setLearningRate(-1)).toThrow('learning rate -1 is not a finite non-negative number');
    adam.dispose();
    const adagrad = tf.train.adagrad(0.1);
    expect(() => setLearningRate(adagrad, 0.2)).toThrow('The Adagrad optimizer cannot change its learning rate during training.');
    adagrad.dispose();
  });
});
