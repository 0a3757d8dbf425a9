import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cropSpatially } from '../geometry/spatial-ops.js';
import { filterGradientPadding } from '../geometry/spatial-padding.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `Conv2DBackpropFilter` for wasm, which has none. `dW[kh, kw, ci, co]` is the correlation of
 * the input with the output gradient, so it runs as one XNNPACK `Conv2D`: the input transposed to
 * `[ci, h, w, n]` (input channels as the batch, examples as the channels), convolved with the output
 * gradient transposed to `[oh, ow, n, co]` as the filter, dilated by the forward stride, and the
 * `[ci, kh, kw, co]` result transposed to `[kh, kw, ci, co]`. Works for any stride and padding
 * (`same`, `valid`, numeric, explicit) and for NCHW, whose tensors are transposed the same way.
 * @throws Error naming the dtypes when the tensors are not float32.
 */
export function createConv2DBackpropFilter(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'Conv2DBackpropFilter');
    const dy = requireInput(inputs, 'dy', 'Conv2DBackpropFilter');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`@kdlab/wasm-kernels Conv2DBackpropFilter: needs float32 tensors, got x ${x.dtype} and dy ${dy.dtype}`);
    }
    const info = forwardConvInfo('Conv2DBackpropFilter', attrs, x.shape, attrs['filterShape'] as number[], false);
    const padding = filterGradientPadding(info);
    return runWithWasmOps(primitives, backend, (ops) => {
      const channelsFirst = info.dataFormat === 'channelsFirst';
      const pixelsByExample = ops.transpose(x, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]);
      const gradientAsFilter = ops.transpose(dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
      const correlation = ops.conv2d(pixelsByExample, gradientAsFilter, {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: padding.pad,
      });
      return ops.transpose(cropSpatially(ops, correlation, padding.rows, padding.columns), [1, 2, 0, 3]);
    });
  };
}
