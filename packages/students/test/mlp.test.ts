import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp, mlpModel, mlpOptions, type MlpOptions } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const mnist: ModelBuildContext = { inputShape: [28, 28, 1], numClasses: 10, seed: 0 };

function build(options: Partial<MlpOptions> = {}, context: Partial<ModelBuildContext> = {}) {
  return mlpModel.build(mlpOptions.parse(options), { ...mnist, ...context });
}

async function weightValues(seed: number): Promise<Float32Array[]> {
  const model = build({ hidden: [32, 16] }, { seed });
  const values = await Promise.all(model.trainableVariables().map((variable) => variable.data() as Promise<Float32Array>));
  model.dispose();
  return values;
}

describe('mlp', () => {
  beforeAll(useCpuBackend);

  it('defaults to two hidden layers of 800 ReLU units without dropout', () => {
    expect(mlpOptions.parse({})).toEqual({ hidden: [800, 800], activation: 'relu', dropout: 0, inputDropout: 0 });
  });

  it('rejects bad options with the offending field in the error', () => {
    expect(() => mlpOptions.parse({ hidden: [800, 0] })).toThrow(/hidden/);
    expect(() => mlpOptions.parse({ dropout: 1 })).toThrow(/dropout/);
    expect(() => mlpOptions.parse({ activation: 'softmax' })).toThrow(/activation/);
    expect(() => mlpOptions.parse({ hiden: [10] })).toThrow(/hiden/);
  });

  it('the helper writes plain experiment data', () => {
    expect(mlp({ hidden: [1200, 1200], dropout: 0.5 })).toEqual({ kind: 'mlp', hidden: [1200, 1200], dropout: 0.5 });
  });

  it('answers logits and post-activation taps of the right shapes', () => {
    const model = build({ hidden: [64, 32] });
    expect(model.kind).toBe('mlp');
    expect(model.featureNames).toEqual(['hidden1', 'hidden2']);
    expect(model.featureShapes()).toEqual({ hidden1: [64], hidden2: [32] });
    const x = tf.randomNormal([5, 28, 28, 1], 0, 1, 'float32', 1);
    const { logits, features } = model.forward(x, { training: false });
    expect(logits.shape).toEqual([5, 10]);
    expect(features['hidden1']!.shape).toEqual([5, 64]);
    expect(features['hidden2']!.shape).toEqual([5, 32]);
    expect(tf.tidy(() => tf.min(features['hidden1']!).arraySync())).toBeGreaterThanOrEqual(0); // ReLU output
    tf.dispose([x, logits, ...Object.values(features)]);
    model.dispose();
  });

  it('uses the chosen activation for the taps', () => {
    const model = build({ hidden: [16], activation: 'sigmoid' });
    const x = tf.randomNormal([4, 28, 28, 1], 0, 3, 'float32', 2);
    const { logits, features } = model.forward(x, { training: false });
    const values = features['hidden1']!.dataSync();
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(Math.max(...values)).toBeLessThan(1);
    tf.dispose([x, logits, ...Object.values(features)]);
    model.dispose();
  });

  it('counts trainable parameters: 784-800-10 has 636,010, 784-800-800-10 has 1,276,810, 784-1200-1200-10 has 2,395,210', () => {
    for (const [hidden, expected] of [
      [[800], 636_010],
      [[800, 800], 1_276_810],
      [[1200, 1200], 2_395_210],
    ] as const) {
      const model = build({ hidden: [...hidden] });
      expect(model.paramCount()).toBe(expected);
      model.dispose();
    }
  });

  it('flattens inputs of any shape and accepts flat ones', () => {
    const model = build({ hidden: [8] }, { inputShape: [6], numClasses: 3 });
    expect(model.paramCount()).toBe(6 * 8 + 8 + 8 * 3 + 3);
    const x = tf.ones([2, 6]);
    const { logits, features } = model.forward(x, { training: true });
    expect(logits.shape).toEqual([2, 3]);
    tf.dispose([x, logits, ...Object.values(features)]);
    model.dispose();
  });

  it('with no hidden layer is a linear classifier without taps', () => {
    const model = build({ hidden: [] });
    expect(model.featureNames).toEqual([]);
    expect(model.paramCount()).toBe(784 * 10 + 10);
    model.dispose();
  });

  it('builds bit-identical weights from the same seed and different ones from another seed', async () => {
    const first = await weightValues(7);
    const again = await weightValues(7);
    const other = await weightValues(8);
    expect(again).toEqual(first);
    expect(other[0]).not.toEqual(first[0]);
    expect(other[2]).not.toEqual(first[2]);
  });

  it('initialises kernels glorot-uniform and biases at zero', async () => {
    const model = build({ hidden: [100] });
    const [kernel, bias] = model.trainableVariables();
    const limit = Math.sqrt(6 / (784 + 100));
    const values = await kernel!.data();
    expect(Math.max(...values)).toBeLessThanOrEqual(limit);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...values)).toBeGreaterThan(0.9 * limit);
    expect(Array.from(await bias!.data()).every((value) => value === 0)).toBe(true);
    model.dispose();
  });

  it('gives different layers different random streams', async () => {
    const model = build({ hidden: [10, 10] });
    const [, , second, , logits] = model.trainableVariables();
    expect(Array.from(await second!.data()).slice(0, 10)).not.toEqual(Array.from(await logits!.data()).slice(0, 10));
    model.dispose();
  });

  it('applies dropout only while training, on inputs and hidden layers', () => {
    const model = build({ hidden: [64], dropout: 0.5, inputDropout: 0.2 });
    const x = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 3);
    const inference = [model.forward(x, { training: false }), model.forward(x, { training: false })];
    expect(inference[0]!.logits.arraySync()).toEqual(inference[1]!.logits.arraySync());
    const training = [model.forward(x, { training: true }), model.forward(x, { training: true })];
    expect(training[0]!.logits.arraySync()).not.toEqual(training[1]!.logits.arraySync());
    expect(training[0]!.features['hidden1']!.arraySync()).not.toEqual(inference[0]!.features['hidden1']!.arraySync());
    for (const output of [...inference, ...training]) tf.dispose([output.logits, ...Object.values(output.features)]);
    x.dispose();
    model.dispose();
  });

  it('names the field when the build context is wrong', () => {
    expect(() => build({}, { numClasses: 1 })).toThrow(/context\.numClasses/);
    expect(() => build({}, { inputShape: [28, 0] })).toThrow(/context\.inputShape/);
    expect(() => build({}, { seed: 0.5 })).toThrow(/context\.seed/);
  });
});
