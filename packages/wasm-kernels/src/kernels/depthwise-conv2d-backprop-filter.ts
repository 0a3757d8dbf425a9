import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cropSpatially } from '../geometry/spatial-ops.js';
import { filterGradientPadding } from '../geometry/spatial-padding.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `DepthwiseConv2dNativeBackpropFilter` for wasm, which has none. Each (example, channel)
 * pair is its own correlation of the input with the output gradient, so it runs as one XNNPACK
 * depthwise convolution over a single image whose `n * c` channels are the input transposed to
 * `[h, w, n, c]`, with the output gradient `[oh, ow, n * c, multiplier]` as the filter (dilated by the
 * forward stride, stepping by the forward dilation); the `[kh, kw, n, c * m]` result is then summed
 * over the examples. Any stride, dilation and padding.
 * @throws Error naming the dtypes when the tensors are not float32.
 */
export function createDepthwiseConv2dBackpropFilter(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'DepthwiseConv2dNativeBackpropFilter');
    const dy = requireInput(inputs, 'dy', 'DepthwiseConv2dNativeBackpropFilter');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`@kdlab/wasm-kernels DepthwiseConv2dNativeBackpropFilter: needs float32 tensors, got x ${x.dtype} and dy ${dy.dtype}`);
    }
    const filterShape = attrs['filterShape'] as number[];
    const info = forwardConvInfo('DepthwiseConv2dNativeBackpropFilter', attrs, x.shape, filterShape, true);
    const padding = filterGradientPadding(info);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
    const multiplier = info.outChannels / inChannels;
    return runWithWasmOps(primitives, backend, (ops) => {
      const image = ops.reshape(ops.transpose(x, [1, 2, 0, 3]), [1, inHeight, inWidth, batchSize * inChannels]);
      const gradientAsFilter = ops.reshape(ops.transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batchSize * inChannels, multiplier]);
      const perExample = ops.depthwiseConv2d(image, gradientAsFilter, {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: padding.pad,
      });
      const cropped = cropSpatially(ops, perExample, padding.rows, padding.columns);
      const summed = ops.sum(ops.reshape(cropped, [filterHeight * filterWidth, batchSize, inChannels * multiplier]), [1]);
      return ops.reshape(summed, [filterHeight, filterWidth, inChannels, multiplier]);
    });
  };
}
