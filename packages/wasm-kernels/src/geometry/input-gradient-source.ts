import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { dilateSpatially } from './spatial-ops.js';
import { inputGradientPadding } from './spatial-padding.js';
import type { InputGradientPadding } from './spatial-padding.js';

/** The output gradient prepared for the helper convolution of an input gradient. */
export interface InputGradientSource {
  /** The NHWC output gradient, dilated by the stride and cropped where the forward padding was large. */
  gradient: TensorInfo;
  /** The helper convolution's padding and the size to crop its result to. */
  padding: InputGradientPadding;
}

/**
 * NHWC `dy` dilated by the forward stride and cropped at the top/left where the forward padding
 * exceeds the dilated filter extent (always fewer rows than the dilated gradient has, since the
 * forward output covers at least one input row).
 */
export function inputGradientSource(ops: WasmOps, info: backend_util.Conv2DInfo, dy: TensorInfo): InputGradientSource {
  const dilated = dilateSpatially(ops, dy, info.strideHeight, info.strideWidth);
  const [batch, rows, columns, channels] = dilated.shape as [number, number, number, number];
  const padding = inputGradientPadding(info, rows, columns);
  const { cropTop, cropLeft } = padding;
  const gradient = cropTop === 0 && cropLeft === 0 ? dilated : ops.slice(dilated, [0, cropTop, cropLeft, 0], [batch, rows - cropTop, columns - cropLeft, channels]);
  return { gradient, padding };
}
