import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, intInput, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';
import type { InputData } from './support/backends.js';
import { bitIdentical, runOnStockWasm } from './support/original-kernels.js';

beforeAll(useWasmWithKdlabKernels);

describe('fallbacks where a fast path does not apply', () => {
  it('BatchMatMul of int32 tensors goes to the stock kernel, which reports it', async () => {
    await expect(runOn('wasm', [intInput([2, 2], [1, 2, 3, 4]), intInput([2, 2], [1, 0, 0, 1])], (a, b) => tf.matMul(a!, b!))).rejects.toThrow(/float32/);
  });

  it('small equal batches run in the stock loop, bit for bit', async () => {
    const inputs = [randomInput([6, 3, 4], 1), randomInput([6, 5, 4], 2)];
    const product = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.matMul(a, b, false, true);
    expect(bitIdentical(await runOn('wasm', inputs, product), await runOnStockWasm(inputs, product))).toBe(true);
  });

  it('_FusedMatMul with a bias on small equal batches is right (the stock loop adds it wrongly)', async () => {
    const inputs = [randomInput([2, 4, 5], 3), randomInput([2, 5, 3], 4), randomInput([3], 5)];
    const result = await onBothBackends(inputs, (a, b, bias) => tf.fused.matMul({ a: a!, b: b!, bias, activation: 'relu' }));
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('_FusedMatMul with a broadcast (rank-2) bias and full-shape PReLU weights takes the general path', async () => {
    const inputs = [randomInput([3, 6, 5], 6), randomInput([5, 4], 7), randomInput([6, 1], 8), randomInput([3, 6, 4], 9)];
    const result = await onBothBackends(inputs, (a, b, bias, weights) =>
      tf.fused.matMul({ a: a!, b: b!, bias, activation: 'prelu', preluActivationWeights: weights }),
    );
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('_FusedMatMul with leakyrelu and sigmoid on transposed operands', async () => {
    const inputs = [randomInput([7, 5], 10), randomInput([3, 7], 11), randomInput([3], 12)];
    const result = await onBothBackends(inputs, (a, b, bias) => [
      tf.fused.matMul({ a: a!, b: b!, transposeA: true, transposeB: true, bias, activation: 'leakyrelu', leakyreluAlpha: 0.3 }),
      tf.fused.matMul({ a: a!, b: b!, transposeA: true, transposeB: true, bias, activation: 'sigmoid' }),
    ]);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

/** A small CNN and a small transformer block, forward and backward, touching every kdlab kernel. */
function trainingGradients(...tensors: tf.Tensor[]): tf.Tensor[] {
  const [image, filter, depthwise, dense, table, query, key] = tensors as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.Tensor];
  const ids = tf.tensor2d([3, 1, 4, 1, 5, 9, 2, 6], [2, 4], 'int32');
  const cnn = gradientsOf((x, f, d, w) => {
    const features = tf.maxPool(tf.relu(tf.depthwiseConv2d(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), d as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
    return tf.matMul(tf.reshape(features, [features.shape[0], -1]), w!);
  })(image, filter, depthwise, dense);
  const transformer = gradientsOf((t, q, k) => {
    const embedded = tf.gather(t!, ids);
    const { mean, variance } = tf.moments(embedded, [0, 1], true);
    const scores = tf.softmax(tf.einsum('bhqd,bhkd->bhqk', q!, k!));
    return tf.add(tf.sum(tf.tanh(tf.div(tf.sub(embedded, mean), tf.sqrt(tf.add(variance, 1e-5))))), tf.sum(tf.erf(scores)));
  })(table, query, key);
  return [...cnn, ...transformer];
}

const trainingInputs: InputData[] = [
  randomInput([4, 12, 12, 3], 20),
  randomInput([3, 3, 3, 8], 21),
  randomInput([3, 3, 8, 2], 22),
  randomInput([3 * 3 * 16, 10], 23),
  randomInput([10, 6], 24),
  randomInput([2, 2, 5, 4], 25),
  randomInput([2, 2, 7, 4], 26),
];

describe('a CNN and a transformer block on wasm', () => {
  it('have the cpu gradients', async () => {
    const result = await onBothBackends(trainingInputs, trainingGradients);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('give bit-identical gradients when run twice', async () => {
    expect(bitIdentical(await runOn('wasm', trainingInputs, trainingGradients), await runOn('wasm', trainingInputs, trainingGradients))).toBe(true);
  });

  it('leave no tensor data behind on the wasm heap', async () => {
    await runOn('wasm', trainingInputs, trainingGradients);
    const backend = tf.findBackend('wasm') as BackendWasm;
    const before = backend.numDataIds();
    await runOn('wasm', trainingInputs, trainingGradients);
    expect(backend.numDataIds()).toBe(before);
  });
});
