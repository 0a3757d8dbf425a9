import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { registerTensorflowStep, unregisterTensorflowStep } from '../../src/engine/backend/native/tensorflow-step.js';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// tfjs-node is an optional backend (built by `kdlab native build`); without it these tests skip.
const unavailable = await nativeBackendUnavailable('kdlab\'s Step kernel on tfjs-node');

const X = [-2, -0, 0, 1e-30, 0.5, 3, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -1e-30];

/** Step's values and a ReLU gradient, bit for bit, with whichever Step kernel is registered. */
function stepOutputs(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(X, [2, 5]);
    const relu = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]))))(x);
    return [tf.step(x), tf.step(x, 0.3), tf.step(x, -1), relu].map((t) => new Float32Array(t.dataSync()));
  });
}

describe.skipIf(unavailable !== undefined)("kdlab's Step kernel on tfjs-node", () => {
  afterAll(() => selectBackend('wasm'));

  it('is the one selectBackend registers, and gives tfjs-node\'s own values bit for bit (NaN, signed zeros, infinities, alpha)', () => {
    const kernel = tf.getKernel('Step', 'tensorflow');
    registerTensorflowStep();
    expect(tf.getKernel('Step', 'tensorflow')).toBe(kernel);
    const ours = stepOutputs();
    unregisterTensorflowStep();
    expect(tf.getKernel('Step', 'tensorflow')).not.toBe(kernel);
    const stock = stepOutputs();
    registerTensorflowStep();
    expect(ours.map((a) => Array.from(new Uint32Array(a.buffer)))).toEqual(stock.map((a) => Array.from(new Uint32Array(a.buffer))));
    expect(Array.from(ours[0]!)).toEqual([0, 0, 0, 1, 1, 1, Number.NaN, 0, 1, 0]);
  });

  it('builds no JavaScript array the size of its input, and frees what it makes', () => {
    const x = tf.randomNormal([64, 300]);
    const before = tf.memory().numTensors;
    const sizes: number[] = [];
    const Original = globalThis.Float32Array;
    globalThis.Float32Array = new Proxy(Original, {
      construct(target, args: unknown[], newTarget) {
        if (typeof args[0] === 'number') sizes.push(args[0]);
        return Reflect.construct(target, args, newTarget === globalThis.Float32Array ? target : newTarget) as object;
      },
    });
    try {
      tf.tidy(() => {
        tf.step(x);
      });
    } finally {
      globalThis.Float32Array = Original;
    }
    expect(sizes.filter((size) => size >= 64 * 300)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
