import * as tf from '@tensorflow/tfjs-core';

/**
 * The max-norm constraint (Srivastava et al., 2014; Hinton et al.'s MNIST teacher): after each step,
 * every unit's incoming weight vector is scaled down to an L2 norm of at most `maxNorm`. For a kernel
 * of shape `[..., units]` (a dense `[in, units]`, a convolution `[h, w, in, units]`), the vector of
 * unit `u` is the slice `[..., u]`: the norm runs over every axis but the last. Biases and other
 * variables of rank below 2 are left alone, as are vectors already inside the ball.
 *
 * @param variables - the model's trainable variables (kernels are those of rank 2 or more).
 * @param maxNorm - the largest norm a unit's incoming weights may have (a positive number).
 */
export function applyMaxNorm(variables: readonly tf.Variable[], maxNorm: number): void {
  if (!(maxNorm > 0)) throw new RangeError(`applyMaxNorm: maxNorm is ${maxNorm}, expected a positive number`);
  for (const variable of variables) {
    if (variable.rank < 2) continue;
    tf.tidy(() => {
      const axes = variable.shape.slice(0, -1).map((_, axis) => axis);
      const norms = tf.sqrt(tf.sum(tf.square(variable), axes, true));
      const scale = tf.minimum(tf.div(maxNorm, tf.maximum(norms, 1e-12)), 1);
      variable.assign(tf.mul(variable, scale));
    });
  }
}
