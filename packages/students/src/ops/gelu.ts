import * as tf from '@tensorflow/tfjs-core';

const INVERSE_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/** GELU as one entry of the tape: the forward ops of tfjs-layers' `gelu`, the backward written out. */
const activate = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.div(input, Math.SQRT2))));
  save([input, cdf]);
  return {
    value: tf.mul(input, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [z, phi] = saved as [tf.Tensor, tf.Tensor];
      const density = tf.mul(tf.exp(tf.mul(tf.square(z), -0.5)), INVERSE_SQRT_TWO_PI);
      return tf.mul(dy, tf.add(phi, tf.mul(z, density)));
    },
  };
});

/**
 * GELU, `x * Φ(x)` with `Φ(x) = 0.5 * (1 + erf(x / sqrt(2)))` (exact, with erf), computed with the very
 * ops of tfjs-layers' `gelu` activation (so the values are the same to the bit), with its gradient
 * written out: `dy * (Φ(x) + x * φ(x))`, `φ(x) = exp(-x² / 2) / sqrt(2π)`, reusing `Φ(x)` from the
 * forward pass (7 kernels instead of the about 10 of differentiating the forward ops, and no
 * broadcast gradients of its constants).
 *
 * @param x - any tensor.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return activate(x);
}
