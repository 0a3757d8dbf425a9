import * as tf from '@tensorflow/tfjs-core';

/**
 * Layer normalisation over the last axis, `(x - mean) / sqrt(variance + epsilon) * gamma + beta`
 * (each row's mean and biased variance), with its gradient written out.
 *
 * Forward: the very ops of tfjs-layers' `LayerNormalization` (`moments`, the mean and variance tiled
 * over the features and the scale and offset over the rows, `batchNorm`), so the values are those of
 * stock tfjs to the bit, and a saved model answers the same when tfjs loads it. Backward: one entry
 * of the tape instead of the gradients of those ops, which run on the full input shape (about 40
 * kernels per norm); for `xhat` the normalised input and `rstd = 1 / sqrt(variance + epsilon)`:
 * `dbeta = sum(dy)`, `dgamma = sum(dy * xhat)` over every axis but the last, and
 * `dx = rstd * (g - mean(g) - xhat * mean(g * xhat))` with `g = dy * gamma`, means over the last axis.
 *
 * @param x - the input, `[..., features]`, rank 2 or more.
 * @param gamma - the scale, `[features]`.
 * @param beta - the offset, `[features]`.
 * @param epsilon - added to the variance.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const rank = input.rank;
    const features = input.shape[rank - 1]!;
    const { mean, variance } = tf.moments(input, [rank - 1], true);
    const rows = input.shape.map((size, axis) => (axis === rank - 1 ? 1 : size));
    const broadcast = (v: tf.Tensor) => tf.reshape(v, [...new Array<number>(rank - 1).fill(1), features]);
    const value = tf.batchNorm(
      input,
      tf.tile(mean, [...new Array<number>(rank - 1).fill(1), features]),
      tf.tile(variance, [...new Array<number>(rank - 1).fill(1), features]),
      tf.tile(broadcast(offset), rows),
      tf.tile(broadcast(scale), rows),
      epsilon,
    );
    save([input, mean, variance, scale]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [z, mu, sigma2, weight] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const outer = Array.from({ length: dy.rank - 1 }, (_, axis) => axis);
        const rstd = tf.rsqrt(tf.add(sigma2, epsilon));
        const xhat = tf.mul(tf.sub(z, mu), rstd);
        const g = tf.mul(dy, weight);
        const dx = tf.mul(tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))), rstd);
        return [dx, tf.sum(tf.mul(dy, xhat), outer), tf.sum(dy, outer)];
      },
    };
  });
  return normalise(x, gamma, beta);
}
