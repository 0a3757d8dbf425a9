import type { backend_util } from '@tensorflow/tfjs-core';
import type { ExplicitPadding } from '../wasm/wasm-ops.js';

/** Padding of a helper convolution, with the spatial size its output must be cropped to. */
export interface HelperConvolutionPadding {
  /** Explicit NHWC padding for the helper convolution (never negative). */
  pad: ExplicitPadding;
  /** Rows the result must keep (the helper may produce a few more at the bottom). */
  rows: number;
  /** Columns the result must keep (the helper may produce a few more at the right). */
  columns: number;
}

/** Padding of the helper convolution of an input gradient, with what to cut off its input first. */
export interface InputGradientPadding extends HelperConvolutionPadding {
  /** Leading rows of the dilated output gradient to drop (forward padding beyond the filter extent). */
  cropTop: number;
  /** Leading columns of the dilated output gradient to drop. */
  cropLeft: number;
}

/**
 * Padding for an input gradient computed as a stride-1 correlation of the output gradient, dilated by
 * the stride to `dilatedRows` x `dilatedColumns` (trailing zeros included), with the flipped filter
 * dilated by the forward dilation. Where the forward padding exceeds the dilated filter extent, the
 * helper would need negative padding: those leading rows/columns are cropped instead.
 */
export function inputGradientPadding(info: backend_util.Conv2DInfo, dilatedRows: number, dilatedColumns: number): InputGradientPadding {
  const extentRows = (info.filterHeight - 1) * info.dilationHeight;
  const extentColumns = (info.filterWidth - 1) * info.dilationWidth;
  const top = extentRows - info.padInfo.top;
  const left = extentColumns - info.padInfo.left;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const padTop = Math.max(0, top);
  const padLeft = Math.max(0, left);
  const bottom = info.inHeight + extentRows - (dilatedRows - cropTop) - padTop;
  const right = info.inWidth + extentColumns - (dilatedColumns - cropLeft) - padLeft;
  return {
    pad: [[0, 0], [padTop, Math.max(0, bottom)], [padLeft, Math.max(0, right)], [0, 0]],
    rows: info.inHeight,
    columns: info.inWidth,
    cropTop,
    cropLeft,
  };
}

/**
 * Padding for a filter gradient computed as a correlation of the input (pixels as batch or channels)
 * with the output gradient as the filter, dilated by the forward stride, stepping by the forward
 * dilation: the forward top/left padding, and just enough bottom/right padding to reach every tap.
 */
export function filterGradientPadding(info: backend_util.Conv2DInfo): HelperConvolutionPadding {
  const bottom = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1 - info.inHeight - info.padInfo.top;
  const right = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1 - info.inWidth - info.padInfo.left;
  return {
    pad: [[0, 0], [info.padInfo.top, Math.max(0, bottom)], [info.padInfo.left, Math.max(0, right)], [0, 0]],
    rows: info.filterHeight,
    columns: info.filterWidth,
  };
}
