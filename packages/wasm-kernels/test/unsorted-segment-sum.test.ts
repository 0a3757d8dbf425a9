import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, intInput, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);

describe('UnsortedSegmentSum on wasm', () => {
  it('embedding gradient (gather of rows, repeated ids) matches cpu', async () => {
    const inputs = [randomInput([10, 4], 1), intInput([2, 3], [1, 2, 1, 9, 0, 1])];
    const gradients = await onBothBackends(inputs, (table, ids) => gradientsOf((rows) => tf.gather(rows, ids!))(table!));
    expect(gradients.wasm.shapes).toEqual([[10, 4]]);
    expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('gradient of a gather along axis 1 matches cpu', async () => {
    const inputs = [randomInput([3, 10, 4], 2), intInput([4], [1, 2, 1, 9])];
    const gradients = await onBothBackends(inputs, (table, ids) => gradientsOf((rows) => tf.gather(rows, ids!, 1))(table!));
    expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('drops ids outside [0, numSegments), like cpu', async () => {
    const inputs = [randomInput([6, 4], 3), intInput([6], [0, 1, 5, 2, -1, 1])];
    const sums = await onBothBackends(inputs, (x, ids) => tf.unsortedSegmentSum(x!, ids! as tf.Tensor1D, 3));
    expect(sums.wasm.shapes).toEqual([[3, 4]]);
    expect(largestRelativeDifference(sums.wasm, sums.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('sums int32 values exactly', async () => {
    const inputs = [intInput([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), intInput([4], [1, 0, 1, 1])];
    const sums = await runOn('wasm', inputs, (x, ids) => tf.unsortedSegmentSum(x!, ids! as tf.Tensor1D, 2));
    expect(Array.from(sums.values[0]!)).toEqual([3, 4, 1 + 5 + 7, 2 + 6 + 8]);
  });

  it('labels the leading axes with ids of rank 2, as TensorFlow does (tfjs cpu fails there)', async () => {
    const inputs = [intInput([2, 2, 3], [1, 2, 3, 10, 20, 30, 100, 200, 300, 1000, 2000, 3000]), intInput([2, 2], [1, 0, 1, 1])];
    const sums = await runOn('wasm', inputs, (x, ids) => tf.unsortedSegmentSum(x!, ids! as tf.Tensor1D, 2));
    expect(sums.shapes).toEqual([[2, 3]]);
    expect(Array.from(sums.values[0]!)).toEqual([10, 20, 30, 1 + 100 + 1000, 2 + 200 + 2000, 3 + 300 + 3000]);
  });

  it('names both shapes when the ids do not match the leading axes of x', async () => {
    const inputs = [randomInput([4, 3], 4), intInput([3], [0, 1, 0])];
    await expect(runOn('wasm', inputs, (x, ids) => tf.unsortedSegmentSum(x!, ids! as tf.Tensor1D, 2))).rejects.toThrow(/segmentIds \[3\].*x \[4,3\]/);
  });
});
