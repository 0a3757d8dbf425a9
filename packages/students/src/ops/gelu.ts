import { FUSED_KERNELS, hasFusedKernel } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';

/** `ln(1 / sqrt(π))`: `x φ(x) = (x / sqrt(2)) exp(ln(1 / sqrt(π)) - (x / sqrt(2))²)`. */
const LOG_INVERSE_SQRT_PI = -0.5 * Math.log(Math.PI);

/**
 * GELU as one entry of the tape: the forward ops of tfjs-layers' `gelu`, the backward written out; as
 * two fused kernels where the backend has them (`FUSED_KERNELS.gelu`, the same values in one pass, and
 * `FUSED_KERNELS.geluGrad`, from the saved input).
 */
const activate = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
  if (hasFusedKernel(FUSED_KERNELS.gelu) && hasFusedKernel(FUSED_KERNELS.geluGrad)) {
    save([input]);
    return {
      value: tf.engine().runKernel(FUSED_KERNELS.gelu, { x: input }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(FUSED_KERNELS.geluGrad, { dy, x: saved[0]! }) as tf.Tensor,
    };
  }
  const scaled = tf.div(input, Math.SQRT2);
  const cdf = tf.mul(0.5, tf.add(1, tf.erf(scaled)));
  save([scaled, cdf]);
  return {
    value: tf.mul(input, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [u, phi] = saved as [tf.Tensor, tf.Tensor];
      // Φ(x) + x φ(x), with u = x / sqrt(2): x φ(x) = u exp(ln(1 / sqrt(π)) - u²), the constant in the exponent
      return tf.mul(dy, tf.add(phi, tf.mul(u, tf.exp(tf.sub(LOG_INVERSE_SQRT_PI, tf.square(u))))));
    },
  };
});

/**
 * GELU, `x * Φ(x)` with `Φ(x) = 0.5 * (1 + erf(x / sqrt(2)))` (exact, with erf), computed with the very
 * ops of tfjs-layers' `gelu` activation (so the values are the same to the bit), with its gradient
 * written out: `dy * (Φ(x) + x * φ(x))`, `φ(x) = exp(-x² / 2) / sqrt(2π)`, reusing `x / sqrt(2)` and
 * `Φ(x)` from the forward pass (6 kernels instead of the about 10 of differentiating the forward ops).
 * Where the backend has kdlab's fused kernels (tfjs-node after `kdlab native build`), one kernel each
 * way, the forward's values still tfjs-layers' to the bit.
 *
 * @param x - any tensor.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return activate(x);
}
