import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, intInput, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';
import { bitIdentical, runOnStockWasm } from './support/original-kernels.js';

beforeAll(useWasmWithKdlabKernels);

describe('MaxPoolGrad on wasm matches cpu', () => {
  const pools: Array<{ name: string; x: number[]; size: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' | number; relu?: boolean }> = [
    { name: '2x2 stride 2 valid', x: [2, 8, 8, 5], size: 2, strides: 2, pad: 'valid' },
    { name: '2x2 stride 2 after relu (ties at zero go to the first maximum)', x: [2, 8, 8, 5], size: 2, strides: 2, pad: 'valid', relu: true },
    { name: '3x3 stride 2 same (overlapping windows, padding)', x: [2, 9, 7, 5], size: 3, strides: 2, pad: 'same' },
    { name: '3x2 strides [1, 2] valid', x: [1, 7, 9, 3], size: [3, 2], strides: [1, 2], pad: 'valid' },
    { name: '3x3 stride 1, numeric padding 1', x: [2, 6, 6, 4], size: 3, strides: 1, pad: 1 },
    // the SIMD path: 2x2, stride 2, no padding, channels in groups of four
    { name: 'SIMD 2x2 stride 2 valid, 8 channels', x: [2, 8, 8, 8], size: 2, strides: 2, pad: 'valid' },
    { name: 'SIMD 2x2 after relu (ties at zero go to the first maximum)', x: [3, 6, 4, 16], size: 2, strides: 2, pad: 'valid', relu: true },
    { name: 'SIMD 2x2 over odd height and width (the uncovered last row and column get no gradient)', x: [2, 9, 7, 12], size: 2, strides: 2, pad: 'valid' },
    { name: "SIMD 2x2 'same' over even sizes (no padding)", x: [1, 4, 6, 4], size: 2, strides: 2, pad: 'same' },
  ];
  for (const { name, x, size, strides, pad, relu = false } of pools) {
    it(`${name}: within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const pool = (input: tf.Tensor): tf.Tensor => tf.maxPool((relu ? tf.relu(input) : input) as tf.Tensor4D, size, strides, pad);
      const gradients = await onBothBackends([randomInput(x, 1)], gradientsOf(pool));
      expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }
});

describe('Sum and Mean over non-innermost axes on wasm', () => {
  const reductions: Array<{ name: string; shape: number[]; axis: number[]; keepDims: boolean }> = [
    { name: 'bias gradient [n, h, w, c] -> [c]', shape: [3, 5, 4, 6], axis: [0, 1, 2], keepDims: false },
    { name: 'spatial [n, h, w, c] -> [n, c] (global pooling)', shape: [3, 5, 4, 6], axis: [1, 2], keepDims: false },
    { name: 'leading axis, keepDims', shape: [20, 6], axis: [0], keepDims: true },
    { name: 'middle axis of a rank-3 tensor', shape: [4, 7, 3], axis: [1], keepDims: false },
    { name: 'a CNN bias gradient, many rows of 64 columns (SIMD only)', shape: [16, 7, 7, 64], axis: [0, 1, 2], keepDims: false },
    { name: 'columns of 4 lanes plus a tail, two blocks', shape: [2, 33, 9], axis: [1], keepDims: false },
  ];
  for (const { name, shape, axis, keepDims } of reductions) {
    it(`${name}: matches cpu and is bit-identical to the stock wasm kernels`, async () => {
      const inputs = [randomInput(shape, 2)];
      const reduce = (x: tf.Tensor): tf.Tensor[] => [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
      const result = await onBothBackends(inputs, reduce);
      expect(result.wasm.shapes).toEqual(result.cpu.shapes);
      expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
      expect(bitIdentical(result.wasm, await runOnStockWasm(inputs, reduce))).toBe(true);
    });
  }

  it('sums int32 tensors over leading axes exactly', async () => {
    const sums = await runOn('wasm', [intInput([3, 2], [1, 2, 3, 4, 5, 6])], (x) => tf.sum(x!, 0));
    expect(Array.from(sums.values[0]!)).toEqual([9, 12]);
  });

  it('innermost and non-contiguous reductions go to the stock kernels unchanged', async () => {
    const inputs = [randomInput([3, 5, 4], 3)];
    const reduce = (x: tf.Tensor): tf.Tensor[] => [tf.sum(x, -1), tf.mean(x, [0, 2]), tf.sum(x)];
    expect(bitIdentical(await runOn('wasm', inputs, reduce), await runOnStockWasm(inputs, reduce))).toBe(true);
  });
});

describe('Cast on wasm', () => {
  it('to the same dtype shares the input memory and keeps the values', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const same = tf.cast(x, 'float32');
    expect(backend.getMemoryOffset(same.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3]);
    same.dispose();
  });

  it('to another dtype matches the stock kernel bit for bit', async () => {
    const inputs = [randomInput([4, 5], 4)];
    const cast = (x: tf.Tensor): tf.Tensor[] => [tf.cast(x, 'int32'), tf.cast(tf.cast(x, 'int32'), 'float32'), tf.cast(x, 'bool')];
    expect(bitIdentical(await runOn('wasm', inputs, cast), await runOnStockWasm(inputs, cast))).toBe(true);
  });
});

describe('Identity on wasm', () => {
  it('shares the input memory (as the cpu kernel does) and keeps the values after the input is freed', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const copy = tf.clone(x);
    expect(backend.getMemoryOffset(copy.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    copy.dispose();
  });
});
