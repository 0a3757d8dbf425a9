import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `MaxPoolGrad` for wasm. The original walks every input pixel over every window that may
 * hold it; this one walks each pooling window once, all channels at a time (contiguous in NHWC),
 * finds the first maximum in row-major window order (strictly greater, padding skipped: the cpu
 * kernel's rule) and adds the output gradient there. Any window, stride and padding; overlapping
 * windows add their gradients in output order. Non-float32 tensors go to the original kernel.
 */
export function createMaxPoolGrad(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const dy = requireInput(inputs, 'dy', 'MaxPoolGrad');
    const input = requireInput(inputs, 'input', 'MaxPoolGrad');
    return runWithWasmOps(primitives, backend, (ops) => {
      if (dy.dtype !== 'float32' || input.dtype !== 'float32') {
        return ops.run('MaxPoolGrad', { dy, input, output: inputs['output'] }, attrs);
      }
      const info = backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        attrs['filterSize'] as [number, number] | number,
        attrs['strides'] as [number, number] | number,
        1,
        attrs['pad'] as 'valid' | 'same' | number | backend_util.ExplicitPadding,
        attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
      );
      const dx = ops.zeros(input.shape, 'float32');
      routeGradientToMaxima(backend.typedArrayFromHeap(input) as Float32Array, backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array, info);
      return dx;
    });
  };
}

/** Adds each output gradient to the input pixel that was its window's (first) maximum. */
function routeGradientToMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const best = new Float32Array(channels);
  const bestOffset = new Int32Array(channels);
  for (let n = 0; n < batchSize; n++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowStart = outRow * strideHeight - info.padInfo.top;
      const rowFrom = Math.max(0, rowStart);
      const rowTo = Math.min(inHeight, rowStart + filterHeight);
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const columnStart = outColumn * strideWidth - info.padInfo.left;
        const columnFrom = Math.max(0, columnStart);
        const columnTo = Math.min(inWidth, columnStart + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestOffset.fill(-1);
        for (let row = rowFrom; row < rowTo; row++) {
          for (let column = columnFrom; column < columnTo; column++) {
            const pixel = ((n * inHeight + row) * inWidth + column) * channels;
            for (let channel = 0; channel < channels; channel++) {
              const value = x[pixel + channel]!;
              if (value > best[channel]!) {
                best[channel] = value;
                bestOffset[channel] = pixel + channel;
              }
            }
          }
        }
        const gradient = ((n * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let channel = 0; channel < channels; channel++) {
          const offset = bestOffset[channel]!;
          if (offset >= 0) dx[offset]! += dy[gradient + channel]!;
        }
      }
    }
  }
}
