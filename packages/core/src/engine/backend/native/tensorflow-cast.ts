import * as tf from '@tensorflow/tfjs-core';
import { rawBackend } from './tensorflow-raw-ops.js';

/** The tfjs-node `Cast` kernel kdlab's replaces, kept to forward real casts to it. */
let stockCast: tf.KernelConfig | undefined;

/**
 * Replaces tfjs-node's `Cast` kernel (backend `tensorflow`) with one that answers a cast to the input's
 * own dtype by sharing its data, as tfjs-node's `Identity` kernel does, and hands every real cast to
 * tfjs-node's own kernel. tfjs casts to float32 what is float32 already in several gradients (a
 * product's, a clone's) and ops: each such call cost a TensorFlow `Cast` op. Values are untouched.
 * Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowCast(): void {
  if (stockCast !== undefined) return;
  const stock = tf.getKernel('Cast', 'tensorflow');
  if (stock === undefined) return;
  stockCast = stock;
  tf.unregisterKernel('Cast', 'tensorflow');
  tf.registerKernel({
    kernelName: 'Cast',
    backendName: 'tensorflow',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (args.attrs?.['dtype'] !== x.dtype) return stock.kernelFunc(args);
      rawBackend(args.backend).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  });
}

/** Puts tfjs-node's own `Cast` kernel back (for tests). */
export function unregisterTensorflowCast(): void {
  if (stockCast === undefined) return;
  tf.unregisterKernel('Cast', 'tensorflow');
  tf.registerKernel(stockCast);
  stockCast = undefined;
}
