import { backend_util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

/** A 4-D shape. */
export type Shape4D = [number, number, number, number];

/** Padding as tfjs kernels receive it. */
type KernelPadding = 'same' | 'valid' | number | backend_util.ExplicitPadding;

/** Rounding of output sizes for a numeric padding. */
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;

/**
 * The forward geometry of the convolution whose gradient a backprop kernel computes, from the
 * kernel's attributes (`strides`, `pad`, `dimRoundingMode`, optional `dilations` and `dataFormat`).
 * @throws Error naming the kernel and the shape when a shape is not 4-D.
 */
export function forwardConvInfo(kernelName: string, attrs: NamedAttrMap, inputShape: number[], filterShape: number[], depthwise: boolean): backend_util.Conv2DInfo {
  if (inputShape.length !== 4) throw new Error(`@kdlab/wasm-kernels ${kernelName}: input shape [${inputShape}] is not 4-D`);
  if (filterShape.length !== 4) throw new Error(`@kdlab/wasm-kernels ${kernelName}: filter shape [${filterShape}] is not 4-D`);
  const dataFormat = backend_util.convertConv2DDataFormat((attrs['dataFormat'] as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC');
  return backend_util.computeConv2DInfo(
    inputShape as Shape4D,
    filterShape as Shape4D,
    attrs['strides'] as number | [number, number],
    (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
    attrs['pad'] as KernelPadding,
    attrs['dimRoundingMode'] as RoundingMode,
    depthwise,
    dataFormat,
  );
}
