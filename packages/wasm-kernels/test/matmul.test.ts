import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);

// tfjs' own BatchMatMul gradient does not sum the gradient of a broadcast operand over the batch
// (on every backend), so products whose batches broadcast are checked for values only; their
// gradients are themselves transposed products, which the other cases cover.
describe('BatchMatMul on wasm matches cpu', () => {
  const cases: Array<{ name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean; broadcast?: boolean }> = [
    { name: 'plain 2-D', a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
    { name: 'transposed a (weight gradient)', a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
    { name: 'transposed b (input gradient, swapped product)', a: [5, 70], b: [60, 70], transposeA: false, transposeB: true },
    { name: 'both transposed', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { name: 'wide transposed a (tiled transpose)', a: [64, 4096], b: [64, 8], transposeA: true, transposeB: false },
    { name: 'transposed vector', a: [1, 6], b: [4, 6], transposeA: false, transposeB: true },
    { name: 'batch of a against one b', a: [2, 3, 7, 5], b: [7, 4], transposeA: true, transposeB: false, broadcast: true },
    { name: 'batch of a against one transposed b (swapped)', a: [3, 2, 40], b: [50, 40], transposeA: false, transposeB: true, broadcast: true },
    { name: 'one a against a batch of b', a: [5, 7], b: [4, 3, 7], transposeA: false, transposeB: true, broadcast: true },
    { name: 'equal batches, large matrices (one product per matrix)', a: [3, 40, 50], b: [3, 30, 40], transposeA: true, transposeB: true },
    { name: 'equal batches, small matrices (original loop)', a: [4, 4, 5], b: [4, 3, 4], transposeA: true, transposeB: true },
  ];
  for (const { name, a, b, transposeA, transposeB, broadcast = false } of cases) {
    it(`${name}: values${broadcast ? '' : ' and gradients'} within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const product = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.matMul(x, y, transposeA, transposeB);
      const inputs = [randomInput(a, 1), randomInput(b, 2)];
      const values = await onBothBackends(inputs, product);
      expect(values.wasm.shapes).toEqual(values.cpu.shapes);
      expect(largestRelativeDifference(values.wasm, values.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
      if (broadcast) return;
      const gradients = await onBothBackends(inputs, gradientsOf(product));
      expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  it('broadcasts batches against each other, which the stock kernels get wrong', async () => {
    const inputs = [randomInput([2, 1, 5, 7], 3), randomInput([1, 3, 7, 4], 4)];
    const wasm = await onBothBackends(inputs, (x, y) => tf.matMul(x!, y!));
    const explicit = await onBothBackends(inputs, (x, y) => tf.matMul(tf.broadcastTo(x!, [2, 3, 5, 7]), tf.broadcastTo(y!, [2, 3, 7, 4])));
    expect(wasm.wasm.shapes).toEqual([[2, 3, 5, 4]]);
    expect(wasm.wasm.values[0]).toHaveLength(2 * 3 * 5 * 4);
    expect(largestRelativeDifference(wasm.wasm, explicit.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

describe('_FusedMatMul on wasm matches cpu', () => {
  const cases: Array<{ name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean; activation: tf.fused.Activation; prelu?: number[] }> = [
    { name: 'transposed operands, relu', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true, activation: 'relu' },
    { name: 'batch of a against one b, elu', a: [3, 7, 5], b: [7, 4], transposeA: true, transposeB: false, activation: 'elu' },
    { name: 'equal batches per matrix, relu6', a: [3, 40, 50], b: [3, 40, 50], transposeA: false, transposeB: true, activation: 'relu6' },
    { name: 'equal batches per matrix, prelu', a: [2, 40, 50], b: [2, 40, 50], transposeA: false, transposeB: true, activation: 'prelu', prelu: [40] },
    { name: 'equal batches, small (original loop), linear', a: [2, 4, 5], b: [2, 5, 3], transposeA: false, transposeB: false, activation: 'linear' },
  ];
  for (const { name, a, b, transposeA, transposeB, activation, prelu } of cases) {
    it(`${name}: values within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const columns = transposeB ? b[b.length - 2]! : b[b.length - 1]!;
      const inputs = [randomInput(a, 5), randomInput(b, 6), randomInput([columns], 7), ...(prelu ? [randomInput(prelu, 8)] : [])];
      const values = await onBothBackends(inputs, (x, y, bias, weights) =>
        tf.fused.matMul({ a: x!, b: y!, transposeA, transposeB, bias, activation, ...(weights ? { preluActivationWeights: weights } : {}) }),
      );
      expect(values.wasm.shapes).toEqual(values.cpu.shapes);
      expect(largestRelativeDifference(values.wasm, values.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  it('gradients of a fused dense layer match cpu', async () => {
    const inputs = [randomInput([6, 7], 9), randomInput([7, 3], 10), randomInput([3], 11)];
    const gradients = await onBothBackends(inputs, gradientsOf((x, w, bias) => tf.fused.matMul({ a: x!, b: w!, bias, activation: 'relu' })));
    expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

describe('XNNPACK operand caching', () => {
  it('a tensor used as the right operand under two matrix shapes gives the right product both times', async () => {
    const inputs = [randomInput([2, 6], 12), randomInput([6, 4], 13), randomInput([3, 2], 14)];
    const products = (a: tf.Tensor, weights: tf.Tensor, c: tf.Tensor): tf.Tensor[] => [tf.matMul(a, weights), tf.matMul(c, tf.reshape(weights, [2, 12]))];
    const result = await onBothBackends(inputs, products);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('a weight seen for the first time (swapped product) and again (direct, on its packing) gives the right product both times', async () => {
    // [16, 300] @ [300, 200]: packing the fresh weight costs more than transposing it, so the first
    // product runs as (W^T @ x^T)^T; the second, with the same weight, runs directly.
    const inputs = [randomInput([16, 300], 15), randomInput([300, 200], 16), randomInput([16, 300], 17)];
    const twice = (x: tf.Tensor, weights: tf.Tensor, other: tf.Tensor): tf.Tensor[] => [tf.matMul(x, weights), tf.matMul(other, weights), tf.matMul(x, weights)];
    const result = await onBothBackends(inputs, twice);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});
