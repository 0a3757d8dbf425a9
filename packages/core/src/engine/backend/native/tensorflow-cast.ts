import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';
import { rawBackend, shareInput } from './tensorflow-raw-ops.js';

const override = tensorflowKernelOverride('Cast', (stock) => (args) => {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (args.attrs?.['dtype'] !== x.dtype) return stock.kernelFunc(args);
  return shareInput(rawBackend(args.backend), x);
});

/**
 * Replaces tfjs-node's `Cast` kernel (backend `tensorflow`) with one that answers a cast to the input's
 * own dtype by sharing its data, as tfjs-node's `Identity` kernel does, and hands every real cast to
 * tfjs-node's own kernel. tfjs casts to float32 what is float32 already in several gradients (a
 * product's, a clone's) and ops: each such call cost a TensorFlow `Cast` op. Values are untouched.
 * Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowCast(): void {
  override.register();
}

/** Puts tfjs-node's own `Cast` kernel back (for tests). */
export function unregisterTensorflowCast(): void {
  override.unregister();
}
