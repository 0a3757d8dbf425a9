import { FUSED_KERNELS, hasFusedKernel } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';

/** Softmax as one entry of the tape: tfjs' own forward kernel, its gradient fused where the backend can. */
const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.softmax(logits);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const output = saved[0]!;
      if (hasFusedKernel(FUSED_KERNELS.softmaxGrad)) return tf.engine().runKernel(FUSED_KERNELS.softmaxGrad, { dy, y: output }) as tf.Tensor;
      // tfjs' own gradient of Softmax (tfjs-core's Softmax_grad), to the bit
      const dyTimesY = tf.mul(dy, output);
      return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [-1], true), output));
    },
  };
});

/**
 * Softmax over the last axis: the values of `tf.softmax` (its very kernel), with its gradient `dy y -
 * sum(dy y) y` computed as tfjs computes it, or as one fused kernel where the backend has kdlab's
 * (`FUSED_KERNELS.softmaxGrad`: tfjs-node after `kdlab native build`) instead of four.
 *
 * @param logits - any float32 tensor of rank 1 or more.
 */
export function softmax(logits: tf.Tensor): tf.Tensor {
  return normalise(logits);
}
