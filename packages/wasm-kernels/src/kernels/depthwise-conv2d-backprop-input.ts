import type { TensorInfo } from '@tensorflow/tfjs-core';
import { inputGradientSource } from '../geometry/input-gradient-source.js';
import { cropSpatially } from '../geometry/spatial-ops.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { accumulate } from '../wasm/accumulate.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import type { ConvolutionAttrs, WasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `DepthwiseConv2dNativeBackpropInput` for wasm, which has none: XNNPACK depthwise
 * convolutions of the output gradient, dilated by the stride and padded, with the filter flipped
 * spatially and dilated like the forward filter; one per channel multiplier, summed in a fixed order.
 * Any stride, dilation and padding (paddings larger than the filter crop the gradient instead).
 * @throws Error naming the dtypes when the tensors are not float32.
 */
export function createDepthwiseConv2dBackpropInput(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const dy = requireInput(inputs, 'dy', 'DepthwiseConv2dNativeBackpropInput');
    const filter = requireInput(inputs, 'filter', 'DepthwiseConv2dNativeBackpropInput');
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      throw new Error(`@kdlab/wasm-kernels DepthwiseConv2dNativeBackpropInput: needs float32 tensors, got dy ${dy.dtype} and filter ${filter.dtype}`);
    }
    const info = forwardConvInfo('DepthwiseConv2dNativeBackpropInput', attrs, attrs['inputShape'] as number[], filter.shape, true);
    return runWithWasmOps(primitives, backend, (ops) => {
      const source = inputGradientSource(ops, info, dy);
      const flipped = ops.reverse(filter, [0, 1]);
      const geometry: ConvolutionAttrs = { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], pad: source.padding.pad };
      const dx = sumOverMultipliers(ops, source.gradient, flipped, geometry);
      return cropSpatially(ops, dx, source.padding.rows, source.padding.columns);
    });
  };
}

/** `sum_q depthwise(dy[..., c * m + q], filter[:, :, c, q])`: one depthwise convolution per multiplier `q`. */
function sumOverMultipliers(ops: WasmOps, dy: TensorInfo, filter: TensorInfo, geometry: ConvolutionAttrs): TensorInfo {
  const [filterRows, filterColumns, channels, multiplier] = filter.shape as [number, number, number, number];
  if (multiplier === 1) return ops.depthwiseConv2d(dy, filter, geometry);
  const [batch, rows, columns] = dy.shape as [number, number, number, number];
  const byMultiplier = ops.transpose(ops.reshape(dy, [batch, rows, columns, channels, multiplier]), [4, 0, 1, 2, 3]);
  const filterByMultiplier = ops.transpose(filter, [3, 0, 1, 2]);
  const gradientSize = batch * rows * columns * channels;
  const filterSize = filterRows * filterColumns * channels;
  let total: TensorInfo | undefined;
  for (let q = 0; q < multiplier; q++) {
    const gradient = ops.view(byMultiplier, q * gradientSize, [batch, rows, columns, channels]);
    const taps = ops.view(filterByMultiplier, q * filterSize, [filterRows, filterColumns, channels, 1]);
    const part = ops.depthwiseConv2d(gradient, taps, geometry);
    ops.dispose(gradient);
    ops.dispose(taps);
    total = accumulate(ops, total, part);
  }
  if (total === undefined) throw new Error(`@kdlab/wasm-kernels DepthwiseConv2dNativeBackpropInput: filter [${filter.shape}] has no multiplier`);
  return total;
}
