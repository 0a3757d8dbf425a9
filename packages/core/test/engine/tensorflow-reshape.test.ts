import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { registerTensorflowReshape, unregisterTensorflowReshape } from '../../src/engine/backend/native/tensorflow-reshape.js';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// tfjs-node is an optional backend (built by `kdlab native build`); without it these tests skip.
const unavailable = await nativeBackendUnavailable('kdlab\'s Reshape kernel on tfjs-node');

describe.skipIf(unavailable !== undefined)("kdlab's Reshape kernel on tfjs-node", () => {
  afterAll(() => selectBackend('wasm'));

  it('is the one selectBackend registers, and answers a reshape to the same shape with the input\'s own data', () => {
    const kernel = tf.getKernel('Reshape', 'tensorflow');
    registerTensorflowReshape();
    expect(tf.getKernel('Reshape', 'tensorflow')).toBe(kernel);
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const same = tf.reshape(x, [1, 2, 3]);
    const inferred = tf.reshape(x, [1, -1, 3]);
    expect(same.dataId).toBe(x.dataId);
    expect(inferred.dataId).toBe(x.dataId);
    x.dispose();
    // the data live on while a reshape holds them
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(inferred.shape).toEqual([1, 2, 3]);
    tf.dispose([same, inferred]);
  });

  it('hands real reshapes to tfjs-node\'s own kernel, and differentiates as before', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.reshape(x, [3, 2]);
    expect(y.dataId).not.toBe(x.dataId);
    expect(y.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.reshape(t, [2, 3]), tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))))(tf.tensor1d([0, 0, 0, 0, 0, 0]));
    expect(Array.from(grad.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.reshape(tf.reshape(x, [2, 3]), [6]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, grad]);
  });

  it('puts tfjs-node\'s kernel back when unregistered, and again when registered', () => {
    unregisterTensorflowReshape();
    const x = tf.tensor1d([1, 2]);
    const stock = tf.reshape(x, [2]);
    expect(stock.dataId).not.toBe(x.dataId);
    registerTensorflowReshape();
    const shared = tf.reshape(x, [2]);
    expect(shared.dataId).toBe(x.dataId);
    tf.dispose([x, stock, shared]);
  });
});
