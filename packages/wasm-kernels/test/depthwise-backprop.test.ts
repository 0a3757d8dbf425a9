import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);

type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

const geometries: Array<{ name: string; x: number[]; filter: number[]; strides: number | [number, number]; pad: Padding }> = [
  { name: 'multiplier 1, 3x3 stride 1 same', x: [2, 9, 8, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { name: 'multiplier 2, 3x2 stride 2 same', x: [2, 9, 8, 3], filter: [3, 2, 3, 2], strides: 2, pad: 'same' },
  { name: 'multiplier 3, stride 2 valid', x: [2, 9, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { name: 'strides [1, 2], explicit padding', x: [2, 7, 8, 4], filter: [2, 3, 4, 1], strides: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { name: 'explicit padding larger than the filter', x: [2, 5, 5, 3], filter: [2, 2, 3, 2], strides: 1, pad: [[0, 0], [4, 1], [0, 5], [0, 0]] },
  { name: 'numeric padding, square filter and stride', x: [2, 9, 9, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1 },
];

describe('depthwiseConv2d gradients on wasm (DepthwiseConv2dNativeBackpropInput/Filter) match cpu', () => {
  for (const { name, x, filter, strides, pad } of geometries) {
    it(`${name}: within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const inputs = [randomInput(x, 1), randomInput(filter, 2)];
      const gradients = await onBothBackends(inputs, gradientsOf((input, kernel) => tf.depthwiseConv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad)));
      expect(gradients.wasm.shapes).toEqual([x, filter]);
      expect(largestRelativeDifference(gradients.wasm, gradients.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }
});

/** A `[h, w, c, m]` filter with `dilation - 1` zero taps between its taps, as `[h', w', c, m]`. */
function zeroDilated(filter: tf.Tensor, dilation: number): tf.Tensor {
  const [height, width, channels, multiplier] = filter.shape as [number, number, number, number];
  const spread = tf.pad(tf.reshape(filter, [height, 1, width, 1, channels, multiplier]), [[0, 0], [0, dilation - 1], [0, 0], [0, dilation - 1], [0, 0], [0, 0]]);
  const dilated = tf.reshape(spread, [height * dilation, width * dilation, channels, multiplier]);
  return tf.slice(dilated, [0, 0, 0, 0], [(height - 1) * dilation + 1, (width - 1) * dilation + 1, channels, multiplier]);
}

// tfjs' cpu backprop kernels ignore dilations (and tfjs' gradient refuses them), so dilated kernels
// are checked against cpu on the equivalent undilated filter with zero taps inserted.
describe('dilated depthwise backprop kernels on wasm match cpu on the zero-dilated filter', () => {
  const dilation = 2;
  const attrs = { strides: 1, pad: 'same' };

  it('DepthwiseConv2dNativeBackpropInput with dilations 2', async () => {
    const inputs = [randomInput([2, 9, 8, 4], 3), randomInput([3, 2, 2, 2], 4)];
    const wasm = await runOn('wasm', inputs, (dy, filter) =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy!, filter: filter! }, { ...attrs, dilations: dilation, inputShape: [2, 9, 8, 2] }) as tf.Tensor,
    );
    const cpu = await runOn('cpu', inputs, (dy, filter) =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy!, filter: zeroDilated(filter!, dilation) }, { ...attrs, dilations: 1, inputShape: [2, 9, 8, 2] }) as tf.Tensor,
    );
    expect(wasm.shapes).toEqual([[2, 9, 8, 2]]);
    expect(largestRelativeDifference(wasm, cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('DepthwiseConv2dNativeBackpropFilter with dilations 2', async () => {
    const inputs = [randomInput([2, 9, 8, 2], 5), randomInput([2, 9, 8, 4], 6)];
    const wasm = await runOn('wasm', inputs, (x, dy) =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy: dy! }, { ...attrs, dilations: dilation, filterShape: [3, 2, 2, 2] }) as tf.Tensor,
    );
    const cpu = await runOn('cpu', inputs, (x, dy) => {
      const full = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy: dy! }, { ...attrs, dilations: 1, filterShape: [5, 3, 2, 2] }) as tf.Tensor;
      return tf.stridedSlice(full, [0, 0, 0, 0], [5, 3, 2, 2], [dilation, dilation, 1, 1]);
    });
    expect(wasm.shapes).toEqual([[3, 2, 2, 2]]);
    expect(largestRelativeDifference(wasm, cpu)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});
