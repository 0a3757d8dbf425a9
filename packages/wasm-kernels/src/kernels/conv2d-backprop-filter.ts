import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { isPatchConvolution, patchFilterGradient } from './patch-convolution.js';
import { cropSpatially } from '../geometry/spatial-ops.js';
import { filterGradientPadding } from '../geometry/spatial-padding.js';
import type { HelperConvolutionPadding } from '../geometry/spatial-padding.js';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { accumulate } from '../wasm/accumulate.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { canComputeFilterGradientByTiles, filterGradientByTiles } from './filter-gradient-by-tiles.js';
import { requireInput } from './require-input.js';

/**
 * Output-gradient pixels (times examples) each helper convolution contracts over. XNNPACK streams its
 * whole filter per block of output pixels, so a filter made of the output gradient of all examples
 * (hundreds of thousands of taps) is memory-bound; groups of about this many taps stay in cache
 * (measured: 267 -> 220 ms for the 32->64 channel 28x28 layer at batch 128).
 */
const TAPS_PER_GROUP = 8192;

/**
 * kdlab's `Conv2DBackpropFilter` for wasm, which has none. `dW[kh, kw, ci, co]` is the correlation of
 * the input with the output gradient, so it runs as XNNPACK `Conv2D`s: for each group of examples,
 * the input transposed to `[ci, h, w, examples]` (input channels as the batch, examples as the
 * channels), convolved with the output gradient transposed to `[oh, ow, examples, co]` as the filter,
 * dilated by the forward stride; the groups' `[ci, kh, kw, co]` results are added in order and
 * transposed to `[kh, kw, ci, co]`. Works for any stride and padding (`same`, `valid`, numeric,
 * explicit) and for NCHW, whose tensors are transposed the same way. A patch convolution (stride
 * equal to the filter) runs as one matrix product of its patches instead ({@link patchFilterGradient}),
 * and a stride-1, undilated NHWC one as register-blocked outer products ({@link filterGradientByTiles}).
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
      if (isPatchConvolution(info)) return patchFilterGradient(ops, x, dy, info);
      if (canComputeFilterGradientByTiles(info)) return filterGradientByTiles(ops, x, dy, info);
      const groupSize = Math.max(1, Math.min(info.batchSize, Math.round(TAPS_PER_GROUP / (info.outHeight * info.outWidth))));
      let total: TensorInfo | undefined;
      for (let first = 0; first < info.batchSize; first += groupSize) {
        const part = groupCorrelation(ops, x, dy, info, padding, first, Math.min(groupSize, info.batchSize - first));
        total = accumulate(ops, total, part);
      }
      if (total === undefined) throw new Error(`@kdlab/wasm-kernels Conv2DBackpropFilter: x [${x.shape}] has no examples`);
      return ops.transpose(cropSpatially(ops, total, padding.rows, padding.columns), [1, 2, 0, 3]);
    });
  };
}

/** The `[ci, kh', kw', co]` correlation of examples `first .. first + count - 1`. */
function groupCorrelation(
  ops: WasmOps,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  padding: HelperConvolutionPadding,
  first: number,
  count: number,
): TensorInfo {
  const channelsFirst = info.dataFormat === 'channelsFirst';
  const xExample = x.shape.slice(1);
  const dyExample = dy.shape.slice(1);
  const xSize = xExample.reduce((product, size) => product * size, 1);
  const dySize = dyExample.reduce((product, size) => product * size, 1);
  const xGroup = ops.view(x, first * xSize, [count, ...xExample]);
  const dyGroup = ops.view(dy, first * dySize, [count, ...dyExample]);
  const pixelsByExample = ops.transpose(xGroup, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]);
  const gradientAsFilter = ops.transpose(dyGroup, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
  ops.dispose(xGroup);
  ops.dispose(dyGroup);
  const correlation = ops.conv2d(pixelsByExample, gradientAsFilter, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: padding.pad,
  });
  ops.dispose(pixelsByExample);
  ops.dispose(gradientAsFilter);
  return correlation;
}
