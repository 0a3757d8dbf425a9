import type { TensorInfo } from '@tensorflow/tfjs-core';
import { inputGradientSource } from '../geometry/input-gradient-source.js';
import { isPatchConvolution, patchInputGradient } from './patch-convolution.js';
import { cropSpatially } from '../geometry/spatial-ops.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `Conv2DBackpropInput` for wasm (the input gradient of a convolution, also the forward pass
 * of a transposed convolution). The original is a scalar loop; this one runs an XNNPACK `Conv2D` of
 * the output gradient, dilated by the stride and padded (or cropped, for paddings larger than the
 * filter), with the filter flipped spatially and its in/out channels swapped. NCHW tensors are
 * transposed to NHWC and back. A patch convolution (stride equal to the filter, as a ViT patch
 * embedding) runs as one matrix product instead ({@link patchInputGradient}: 56 -> 2 ms for 4x4
 * patches of 128 28x28 images into 64 channels). Non-float32 tensors go to the original kernel.
 */
export function createConv2DBackpropInput(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const dy = requireInput(inputs, 'dy', 'Conv2DBackpropInput');
    const filter = requireInput(inputs, 'filter', 'Conv2DBackpropInput');
    const info = forwardConvInfo('Conv2DBackpropInput', attrs, attrs['inputShape'] as number[], filter.shape, false);
    return runWithWasmOps(primitives, backend, (ops) => {
      if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return ops.run('Conv2DBackpropInput', { dy, filter }, attrs);
      if (isPatchConvolution(info)) return patchInputGradient(ops, dy, filter, info);
      const channelsFirst = info.dataFormat === 'channelsFirst';
      const source = inputGradientSource(ops, info, channelsFirst ? ops.transpose(dy, [0, 2, 3, 1]) : dy);
      const flipped = ops.transpose(ops.reverse(filter, [0, 1]), [0, 1, 3, 2]);
      const dx = ops.conv2d(source.gradient, flipped, { strides: [1, 1], dilations: [1, 1], pad: source.padding.pad });
      const cropped = cropSpatially(ops, dx, source.padding.rows, source.padding.columns);
      return channelsFirst ? ops.transpose(cropped, [0, 3, 1, 2]) : cropped;
    });
  };
}
