import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { forwardConvInfo } from './conv-attrs.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `DepthwiseConv2dNativeBackpropFilter` for wasm, which has none. Each filter tap of each
 * channel only meets its own channel, so there is no matrix product to hand to XNNPACK (a depthwise
 * XNNPACK correlation with the output gradient as a filter of `oh x ow` taps measured 200 ms where
 * the forward pass takes 6). One pass over the output gradient on the wasm heap instead, all
 * channels of a pixel at a time, accumulating in float64 in a fixed order (deterministic, and as
 * accurate as the cpu kernel). Any stride, dilation, padding and channel multiplier.
 * @throws Error naming the dtypes when the tensors are not float32.
 */
export function createDepthwiseConv2dBackpropFilter(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const x = requireInput(inputs, 'x', 'DepthwiseConv2dNativeBackpropFilter');
    const dy = requireInput(inputs, 'dy', 'DepthwiseConv2dNativeBackpropFilter');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`@kdlab/wasm-kernels DepthwiseConv2dNativeBackpropFilter: needs float32 tensors, got x ${x.dtype} and dy ${dy.dtype}`);
    }
    const info = forwardConvInfo('DepthwiseConv2dNativeBackpropFilter', attrs, x.shape, attrs['filterShape'] as number[], true);
    return runWithWasmOps(primitives, backend, (ops) => {
      const filterGradient = ops.output(info.filterShape, 'float32');
      const sums = correlateTaps(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(dy) as Float32Array, info);
      (backend.typedArrayFromHeap(filterGradient) as Float32Array).set(sums);
      return filterGradient;
    });
  };
}

/** `dW[kh, kw, c, q] = sum over n, oh, ow of x[n, oh * s + kh * d - pad, ..., c] * dy[n, oh, ow, c * m + q]`. */
function correlateTaps(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float64Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = info.outChannels / channels;
  const outChannels = info.outChannels;
  const sums = new Float64Array(filterHeight * filterWidth * outChannels);
  for (let n = 0; n < batchSize; n++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const gradient = ((n * outHeight + outRow) * outWidth + outColumn) * outChannels;
        for (let tapRow = 0; tapRow < filterHeight; tapRow++) {
          const row = outRow * strideHeight + tapRow * dilationHeight - info.padInfo.top;
          if (row < 0 || row >= inHeight) continue;
          for (let tapColumn = 0; tapColumn < filterWidth; tapColumn++) {
            const column = outColumn * strideWidth + tapColumn * dilationWidth - info.padInfo.left;
            if (column < 0 || column >= inWidth) continue;
            const pixel = ((n * inHeight + row) * inWidth + column) * channels;
            const tap = (tapRow * filterWidth + tapColumn) * outChannels;
            if (multiplier === 1) {
              for (let channel = 0; channel < channels; channel++) sums[tap + channel]! += x[pixel + channel]! * dy[gradient + channel]!;
            } else {
              for (let channel = 0; channel < channels; channel++) {
                const value = x[pixel + channel]!;
                const first = channel * multiplier;
                for (let q = 0; q < multiplier; q++) sums[tap + first + q]! += value * dy[gradient + first + q]!;
              }
            }
          }
        }
      }
    }
  }
  return sums;
}
