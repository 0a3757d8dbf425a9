import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardConvInfo } from '../src/kernels/conv-attrs.js';
import { isPatchConvolution } from '../src/kernels/patch-convolution.js';
import { gradientsOf, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);

type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Forward geometries whose input and filter gradients (Conv2DBackpropInput/Filter) are checked. */
const geometries: Array<{ name: string; x: number[]; filter: number[]; strides: number | [number, number]; pad: Padding }> = [
  { name: '3x3 stride 1 same, 3 -> 4 channels', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 1 same, 8 -> 16 channels (whole outer-product tiles)', x: [3, 7, 6, 8], filter: [3, 3, 8, 16], strides: 1, pad: 'same' },
  { name: '2x3 stride 1 valid, 5 -> 9 channels (tiles padded and cropped)', x: [2, 6, 9, 5], filter: [2, 3, 5, 9], strides: 1, pad: 'valid' },
  { name: '3x2 stride 2 same', x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: 2, pad: 'same' },
  { name: '3x2 stride 2 valid', x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: '3x3 stride 3 valid, unused trailing rows', x: [2, 10, 8, 2], filter: [3, 3, 2, 5], strides: 3, pad: 'valid' },
  { name: 'strides [2, 1] same', x: [1, 9, 8, 3], filter: [3, 3, 3, 2], strides: [2, 1], pad: 'same' },
  { name: 'explicit padding', x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { name: 'explicit padding larger than the filter (cropped gradient)', x: [2, 5, 5, 3], filter: [2, 2, 3, 4], strides: 1, pad: [[0, 0], [4, 1], [0, 5], [0, 0]] },
  { name: 'numeric padding, square filter and stride', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 1 },
  { name: 'one input channel (first layer)', x: [3, 12, 12, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'same' },
  { name: '1x1 filter', x: [2, 6, 6, 7], filter: [1, 1, 7, 3], strides: 1, pad: 'valid' },
  { name: 'patches: 4x4 stride 4 (ViT patch embedding), one matrix product', x: [3, 8, 12, 1], filter: [4, 4, 1, 6], strides: 4, pad: 'valid' },
  { name: 'patches: 2x2 stride 2 same on even sides (no padding), 3 channels', x: [2, 6, 4, 3], filter: [2, 2, 3, 5], strides: 2, pad: 'same' },
  { name: 'patches: 3x3 stride 3 leaving rows and columns uncovered', x: [2, 11, 7, 2], filter: [3, 3, 2, 4], strides: 3, pad: 'valid' },
  { name: 'patches: 2x1 strides [2, 1]', x: [2, 6, 5, 3], filter: [2, 1, 3, 4], strides: [2, 1], pad: 'valid' },
  { name: 'patches: 1x3 strides [1, 3], one patch per row', x: [2, 4, 3, 2], filter: [1, 3, 2, 3], strides: [1, 3], pad: 'valid' },
  { name: 'stride equal to the filter but padded (not patches)', x: [2, 7, 7, 2], filter: [2, 2, 2, 3], strides: 2, pad: 'same' },
];

describe('conv2d gradients on wasm (Conv2DBackpropInput, Conv2DBackpropFilter) match cpu', () => {
  for (const { name, x, filter, strides, pad } of geometries) {
    it(`${name}: within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const inputs = [randomInput(x, 1), randomInput(filter, 2)];
      const gradients = await onBothBackends(inputs, gradientsOf((input, kernel) => tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad)));
      expect(gradients.wasm.shapes).toEqual([x, filter]);
      expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  it('filter gradient over more examples than one group of the grouped correlation', async () => {
    const inputs = [randomInput([40, 6, 6, 2], 3), randomInput([40, 6, 6, 3], 4)];
    const kernel = (input: tf.Tensor, dy: tf.Tensor): tf.Tensor =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: input, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }) as tf.Tensor;
    const result = await onBothBackends(inputs, kernel);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('conv2dTranspose (Conv2DBackpropInput forward) and its gradients', async () => {
    const inputs = [randomInput([2, 4, 4, 5], 5), randomInput([3, 3, 3, 5], 6)];
    const transposed = (input: tf.Tensor, kernel: tf.Tensor): tf.Tensor => tf.conv2dTranspose(input as tf.Tensor4D, kernel as tf.Tensor4D, [2, 8, 8, 3], 2, 'same');
    const values = await onBothBackends(inputs, transposed);
    expect(largestRelativeDifference(values.wasm, values.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    const gradients = await onBothBackends(inputs, gradientsOf(transposed));
    expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

describe('isPatchConvolution', () => {
  const info = (x: number[], filter: number[], strides: number | [number, number], pad: Padding, dilations = 1, dataFormat: 'NHWC' | 'NCHW' = 'NHWC') =>
    forwardConvInfo('test', { strides, pad, dilations, dataFormat }, x, filter, false);
  it('takes stride = filter, no dilation, no top/left padding, patches inside the input', () => {
    expect(isPatchConvolution(info([1, 28, 28, 1], [4, 4, 1, 64], 4, 'valid'))).toBe(true);
    expect(isPatchConvolution(info([1, 11, 7, 2], [3, 3, 2, 4], 3, 'valid'))).toBe(true);
    expect(isPatchConvolution(info([1, 6, 4, 3], [2, 2, 3, 5], 2, 'same'))).toBe(true);
  });
  it('refuses overlapping or dilated filters, padding, and NCHW', () => {
    expect(isPatchConvolution(info([1, 9, 9, 1], [3, 3, 1, 2], 2, 'valid'))).toBe(false);
    expect(isPatchConvolution(info([1, 8, 8, 1], [2, 2, 1, 2], 2, 'valid', 2))).toBe(false);
    expect(isPatchConvolution(info([1, 7, 7, 2], [2, 2, 2, 3], 2, 'same'))).toBe(false);
    expect(isPatchConvolution(info([1, 8, 8, 2], [2, 2, 2, 3], 2, 1))).toBe(false);
    expect(isPatchConvolution(info([1, 2, 8, 8], [2, 2, 2, 3], 2, 'valid', 1, 'NCHW'))).toBe(false);
  });
});

describe('NCHW backprop kernels on wasm (transposed to NHWC) match cpu', () => {
  it('Conv2DBackpropFilter', async () => {
    const inputs = [randomInput([2, 3, 9, 8], 7), randomInput([2, 4, 5, 8], 8)];
    const result = await onBothBackends(inputs, (x, dy) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, { strides: [2, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 2, 3, 4] }) as tf.Tensor,
    );
    expect(result.wasm.shapes).toEqual([[3, 2, 3, 4]]);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('Conv2DBackpropInput', async () => {
    const inputs = [randomInput([2, 4, 5, 8], 9), randomInput([3, 2, 3, 4], 10)];
    const result = await onBothBackends(inputs, (dy, filter) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: dy!, filter: filter! }, { strides: [2, 1], pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 9, 8] }) as tf.Tensor,
    );
    expect(result.wasm.shapes).toEqual([[2, 3, 9, 8]]);
    expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});
