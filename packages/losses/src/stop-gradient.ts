import * as tf from '@tensorflow/tfjs-core';

/** The custom-gradient op behind {@link stopGradient}: identity forward, zero gradient backward. */
const zeroGradientIdentity = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0];
  if (!(x instanceof tf.Tensor)) {
    throw new Error('stopGradient: expected one tensor argument.');
  }
  return { value: x.clone(), gradFunc: () => tf.zerosLike(x) };
});

/**
 * The identity on values whose gradient is zero: the result is used as a constant by whatever
 * gradient is taken through it (tfjs-core has no `stopGradient` of its own).
 *
 * Distillation losses pass the teacher's outputs through it, so no gradient can reach the teacher
 * even when its forward pass was recorded on the same tape as the student's.
 *
 * @param x - the tensor to treat as a constant.
 * @returns a new tensor with the same values (the caller owns it).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return zeroGradientIdentity(x) as T;
}
