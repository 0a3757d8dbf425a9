import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MlmHead } from '@kdlab/core';

/** erf by Abramowitz and Stegun 7.1.26 is too coarse here: a series good to 1e-12 for |x| < 3. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n += 1) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** BERT's head written out with plain numbers: dense, GELU, layer norm, tied decoder. */
function reference(states: number[][], kernel: number[][], bias: number[], gamma: number[], beta: number[], embedding: number[][], decoderBias: number[]): number[][] {
  return states.map((state) => {
    const dense = bias.map((b, j) => b + state.reduce((sum, value, k) => sum + value * kernel[k]![j]!, 0));
    const gelu = dense.map((value) => 0.5 * value * (1 + erf(value / Math.SQRT2)));
    const mean = gelu.reduce((a, b) => a + b, 0) / gelu.length;
    const variance = gelu.reduce((a, b) => a + (b - mean) ** 2, 0) / gelu.length;
    const normed = gelu.map((value, j) => ((value - mean) / Math.sqrt(variance + 1e-5)) * gamma[j]! + beta[j]!);
    return embedding.map((row, v) => decoderBias[v]! + row.reduce((sum, value, j) => sum + value * normed[j]!, 0));
  });
}

describe('MlmHead', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('computes dense, exact GELU, layer norm and the decoder tied to the embedding, as written out by hand', async () => {
    const embedding = tf.variable(tf.randomNormal([7, 4], 0, 1, 'float32', 1), true, 'mlm-head-test/embedding');
    const head = new MlmHead(embedding, 3);
    // non-trivial values everywhere, so that each parameter's place is checked
    head.variables.forEach((variable, i) => variable.assign(tf.randomNormal(variable.shape, i === 2 ? 1 : 0, 0.5, 'float32', 10 + i)));
    const states = tf.randomNormal([3, 4], 0, 1.5, 'float32', 2) as tf.Tensor2D;
    const logits = head.logits(states);
    expect(logits.shape).toEqual([3, 7]);
    const [kernel, bias, gamma, beta, decoderBias] = (await Promise.all(head.variables.map((v) => v.array()))) as [number[][], number[], number[], number[], number[]];
    const expected = reference((await states.array()) as number[][], kernel, bias, gamma, beta, (await embedding.array()) as number[][], decoderBias);
    ((await logits.array()) as number[][]).forEach((row, i) => row.forEach((value, v) => expect(value).toBeCloseTo(expected[i]![v]!, 4)));
    expect(head.paramCount()).toBe(4 * 4 + 4 + 4 + 4 + 7);
    tf.dispose([states, logits]);
    head.dispose();
    expect(embedding.isDisposed).toBe(false);
    embedding.dispose();
  });

  it('starts the same from the same seed, and trains the embedding through the tied decoder', () => {
    const embedding = tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 4), true, 'mlm-head-test/tied');
    const [a, b] = [new MlmHead(embedding, 9), new MlmHead(embedding, 9)];
    expect(a.variables[0]!.dataSync()).toEqual(b.variables[0]!.dataSync());
    const { grads } = tf.variableGrads(() => tf.sum(a.logits(tf.ones([2, 3]))) as tf.Scalar, [embedding, ...a.variables]);
    expect(Object.keys(grads)).toContain(embedding.name);
    tf.dispose(Object.values(grads));
    a.dispose();
    b.dispose();
    embedding.dispose();
  });
});
