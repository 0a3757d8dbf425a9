import { ADAM_UPDATE_KERNEL_NAME, createAdamUpdate } from './adam/adam-update-kernel.js';
import { createReluGrad, RELU_GRAD_KERNEL_NAME } from './kernels/relu-grad.js';
import { createBatchMatMul } from './kernels/batch-mat-mul.js';
import { createCast } from './kernels/cast.js';
import { createConv2DBackpropFilter } from './kernels/conv2d-backprop-filter.js';
import { createConv2DBackpropInput } from './kernels/conv2d-backprop-input.js';
import { createDepthwiseConv2dBackpropFilter } from './kernels/depthwise-conv2d-backprop-filter.js';
import { createDepthwiseConv2dBackpropInput } from './kernels/depthwise-conv2d-backprop-input.js';
import { createEinsum } from './kernels/einsum.js';
import { createFusedMatMul } from './kernels/fused-mat-mul.js';
import { createIdentity } from './kernels/identity.js';
import { createMaxPoolGrad } from './kernels/max-pool-grad.js';
import { createMean, createSum } from './kernels/reductions.js';
import { createTile } from './kernels/tile.js';
import { createUnsortedSegmentSum } from './kernels/unsorted-segment-sum.js';
import type { PrimitiveKernels } from './wasm/primitive-kernels.js';
import type { WasmKernelFunc } from './wasm/wasm-kernel-args.js';

/** One kernel kdlab registers for the wasm backend. */
export interface KdlabWasmKernel {
  /** The tfjs kernel name. */
  kernelName: string;
  /** Whether tfjs' wasm backend has its own version, which kdlab's replaces (and falls back to). */
  replacesOriginal: boolean;
  /** Builds the kernel function on the captured wasm kernels. */
  create: (primitives: PrimitiveKernels) => WasmKernelFunc;
}

/** Every kernel {@link registerWasmKernels} registers, in registration order. */
export const KDLAB_WASM_KERNELS: readonly KdlabWasmKernel[] = [
  { kernelName: 'BatchMatMul', replacesOriginal: true, create: createBatchMatMul },
  { kernelName: '_FusedMatMul', replacesOriginal: true, create: createFusedMatMul },
  { kernelName: 'Conv2DBackpropInput', replacesOriginal: true, create: createConv2DBackpropInput },
  { kernelName: 'Conv2DBackpropFilter', replacesOriginal: false, create: createConv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', replacesOriginal: false, create: createDepthwiseConv2dBackpropInput },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', replacesOriginal: false, create: createDepthwiseConv2dBackpropFilter },
  { kernelName: 'UnsortedSegmentSum', replacesOriginal: false, create: createUnsortedSegmentSum },
  { kernelName: 'Einsum', replacesOriginal: false, create: createEinsum },
  { kernelName: 'MaxPoolGrad', replacesOriginal: true, create: createMaxPoolGrad },
  { kernelName: 'Sum', replacesOriginal: true, create: createSum },
  { kernelName: 'Mean', replacesOriginal: true, create: createMean },
  { kernelName: 'Cast', replacesOriginal: true, create: createCast },
  { kernelName: 'Identity', replacesOriginal: true, create: createIdentity },
  { kernelName: 'Tile', replacesOriginal: true, create: createTile },
  { kernelName: ADAM_UPDATE_KERNEL_NAME, replacesOriginal: false, create: createAdamUpdate },
  { kernelName: RELU_GRAD_KERNEL_NAME, replacesOriginal: false, create: createReluGrad },
];
