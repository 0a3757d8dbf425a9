import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';

const override = tensorflowKernelOverride('Step', (stock) => (args) => {
  const x = args.inputs['x'] as tf.Tensor;
  const alpha = (args.attrs?.['alpha'] as number | undefined) ?? 0;
  return tf.tidy(() => {
    const steps = tf.where(tf.greater(x, tf.scalar(0, x.dtype)), tf.fill(x.shape, 1), tf.fill(x.shape, alpha, x.dtype));
    return tf.where(tf.isNaN(x), x, steps);
  });
});

/**
 * Replaces tfjs-node's `Step` kernel (backend `tensorflow`) with one that builds its ones in
 * TensorFlow (`Fill`) instead of in JavaScript. tfjs' `Relu` gradient is `dy * step(x)`, and
 * tfjs-node's kernel makes `tf.ones(x.shape)`: a JavaScript array the size of the activation, filled
 * and uploaded on every backward pass through a ReLU (0.6 MiB per 1200-unit layer at batch 128),
 * garbage until V8 collects it (bench/native/MEMORY.md, section 6). Same ops otherwise (`IsNan`,
 * `Greater`, `Select`), same values: 1 where `x > 0`, `alpha` elsewhere, NaN where `x` is NaN.
 * Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowStep(): void {
  override.register();
}

/** Puts tfjs-node's own `Step` kernel back (for tests). */
export function unregisterTensorflowStep(): void {
  override.unregister();
}
