import * as tf from '@tensorflow/tfjs-core';

/**
 * Floor under squared norms before a square root: `sqrt` has an infinite derivative at 0, which
 * tfjs would turn into a NaN gradient for an all-zero vector. Below it the norm's gradient is 0 (as
 * PyTorch defines the norm's gradient at 0), above it values are exact.
 */
const SQUARED_NORM_FLOOR = 1e-30;

/**
 * The Euclidean norm along `axis` (kept as a size-1 axis), with a zero gradient for an all-zero vector.
 *
 * @param x - the tensor.
 * @param axis - the axis to reduce.
 * @param floor - the squared norm below which the norm is treated as constant (default 1e-30).
 */
export function euclideanNorm(x: tf.Tensor, axis: number, floor = SQUARED_NORM_FLOOR): tf.Tensor {
  return tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), floor));
}

/**
 * PyTorch's `F.normalize(x, p=2, dim=axis, eps)`: `x / max(‖x‖₂, eps)` along `axis`.
 * Written as `x / sqrt(max(‖x‖², eps²))`, the same values, with a finite gradient at `x = 0`.
 *
 * @param x - the tensor.
 * @param axis - the axis along which each vector is normalised.
 * @param eps - the smallest norm divided by (default 1e-12, as PyTorch).
 */
export function l2Normalize(x: tf.Tensor, axis: number, eps = 1e-12): tf.Tensor {
  return tf.div(x, euclideanNorm(x, axis, eps * eps));
}

/**
 * Flattens every axis but the batch axis: `[B, ...] → [B, D]` (PyTorch's `x.view(B, -1)`; the order
 * of the features differs from a channels-first tensor's, which none of the losses using it depend on).
 */
export function flattenBatch(x: tf.Tensor): tf.Tensor2D {
  const batch = x.shape[0] ?? 0;
  return tf.reshape(x, [batch, x.size / Math.max(batch, 1)]);
}

/**
 * PyTorch's `F.smooth_l1_loss(input, target)` with `beta = 1` and mean reduction:
 * the mean over every entry of `0.5·d²` where `|d| < 1`, `|d| − 0.5` elsewhere, `d = input − target`.
 * Written without a comparison (tfjs has no gradient for one) as `0.5·min(|d|, 1)² + |d| − min(|d|, 1)`.
 */
export function smoothL1Mean(input: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const absolute = tf.abs(tf.sub(input, target));
  const clipped = tf.minimum(absolute, 1);
  return tf.mean(tf.add(tf.mul(tf.square(clipped), 0.5), tf.sub(absolute, clipped)));
}

/**
 * A feature map `[B, H, W, C]` (channels last, as tfjs) as one row per channel: `[B, C, H·W]`,
 * the layout of PyTorch's `f.view(B, C, -1)` on a channels-first map.
 */
export function channelRows(featureMap: tf.Tensor): tf.Tensor3D {
  const [batch = 0, height = 0, width = 0, channels = 0] = featureMap.shape;
  return tf.transpose(tf.reshape(featureMap, [batch, height * width, channels]), [0, 2, 1]);
}
