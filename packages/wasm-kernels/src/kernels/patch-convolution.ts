import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { fastMatMul } from './fast-mat-mul.js';
import type { WasmOps } from '../wasm/wasm-ops.js';

/**
 * Whether a convolution cuts its NHWC input into non-overlapping patches (a ViT patch embedding):
 * stride equal to the filter, no dilation, no top/left padding, and every patch inside the input
 * (the rows and columns past the last whole patch, if any, are not read). Its gradients are then
 * one matrix product each plus a rearrangement of the pixels, instead of a correlation over an
 * input dilated by the stride (15 zeros in 16 taps for a 4x4 patch).
 */
export function isPatchConvolution(info: backend_util.Conv2DInfo): boolean {
  return (
    info.dataFormat === 'channelsLast' &&
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight * info.filterHeight <= info.inHeight &&
    info.outWidth * info.filterWidth <= info.inWidth
  );
}

/**
 * The input gradient of a patch convolution ({@link isPatchConvolution}): each patch's pixels are
 * `dy[n, oh, ow, :] @ W^T` (`W` as `[kh * kw * ci, co]`), one product for all patches, then put back
 * in place (`[n * oh, ow, kh, kw * ci]` -> `[n * oh, kh, ow, kw * ci]`); rows and columns no patch
 * covers get zeros.
 */
export function patchInputGradient(ops: WasmOps, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels, inHeight, inWidth } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const rows = ops.reshape(dy, [batchSize * outHeight * outWidth, outChannels]);
  const patches = fastMatMul(ops, rows, ops.reshape(filter, [patchSize, outChannels]), false, true);
  const byPatchRow = ops.reshape(patches, [batchSize * outHeight, outWidth, filterHeight, filterWidth * inChannels]);
  const inPlace = filterHeight === 1 || outWidth === 1 ? byPatchRow : ops.transpose(byPatchRow, [0, 2, 1, 3]);
  const covered = ops.reshape(inPlace, [batchSize, outHeight * filterHeight, outWidth * filterWidth, inChannels]);
  const missingRows = inHeight - outHeight * filterHeight;
  const missingColumns = inWidth - outWidth * filterWidth;
  if (missingRows === 0 && missingColumns === 0) return covered;
  return ops.pad(covered, [[0, 0], [0, missingRows], [0, missingColumns], [0, 0]]);
}

/**
 * The filter gradient of a patch convolution ({@link isPatchConvolution}): the input's patches as
 * rows `[n * oh * ow, kh * kw * ci]` (pixels past the last whole patch cut off), then
 * `patches^T @ dy` as `[kh, kw, ci, co]`.
 */
export function patchFilterGradient(ops: WasmOps, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels, inHeight, inWidth } = info;
  const coveredRows = outHeight * filterHeight;
  const coveredColumns = outWidth * filterWidth;
  const covered = coveredRows === inHeight && coveredColumns === inWidth ? x : ops.slice(x, [0, 0, 0, 0], [batchSize, coveredRows, coveredColumns, inChannels]);
  const byImageRow = ops.reshape(covered, [batchSize * outHeight, filterHeight, outWidth, filterWidth * inChannels]);
  const byPatch = filterHeight === 1 || outWidth === 1 ? byImageRow : ops.transpose(byImageRow, [0, 2, 1, 3]);
  const patches = ops.reshape(byPatch, [batchSize * outHeight * outWidth, filterHeight * filterWidth * inChannels]);
  const rows = ops.reshape(dy, [batchSize * outHeight * outWidth, outChannels]);
  return ops.reshape(fastMatMul(ops, patches, rows, true, false), [filterHeight, filterWidth, inChannels, outChannels]);
}
