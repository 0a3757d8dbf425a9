import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { requireInput } from './require-input.js';
import { perBackend } from '../simd/backend-memory.js';
import { MaxPoolGrad2x2Simd } from '../simd/max-pool-grad-2x2.js';

const maxPoolGrad2x2For = perBackend((memory) => new MaxPoolGrad2x2Simd(memory), 'MaxPoolGrad');

/** Whether the pool is the common 2x2, stride-2, unpadded one over channels in groups of four (the SIMD path). */
function isSimple2x2(info: backend_util.Conv2DInfo): boolean {
  const { padInfo } = info;
  return (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    info.outHeight === Math.floor(info.inHeight / 2) &&
    info.outWidth === Math.floor(info.inWidth / 2) &&
    info.inChannels % 4 === 0
  );
}

/**
 * kdlab's `MaxPoolGrad` for wasm. The original walks every input pixel over every window that may
 * hold it; this one walks each pooling window once, all channels at a time (contiguous in NHWC),
 * finds the first maximum in row-major window order (strictly greater, padding skipped: the cpu
 * kernel's rule) and adds the output gradient there. Any window, stride and padding; overlapping
 * windows add their gradients in output order. The common 2x2, stride-2, unpadded pool over channels
 * in groups of four runs as a SIMD function of kdlab's own (same rule, four channels at a time, no
 * zeroing pass). Non-float32 tensors go to the original kernel.
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
      if (isSimple2x2(info)) {
        // Every pixel of a window is written; only an odd last row or column needs zeros first.
        const covered = info.inHeight % 2 === 0 && info.inWidth % 2 === 0;
        const dx = covered ? ops.output(input.shape, 'float32') : ops.zeros(input.shape, 'float32');
        const offset = (tensor: TensorInfo): number => backend.dataIdMap.get(tensor.dataId).memoryOffset;
        maxPoolGrad2x2For(backend).run(offset(dx), offset(input), offset(dy), input.shape);
        return dx;
      }
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
