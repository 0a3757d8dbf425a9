import * as tf from '@tensorflow/tfjs-core';

/** The tfjs-node `Reshape` kernel kdlab's replaces, kept to forward real reshapes to it. */
let stockReshape: tf.KernelConfig | undefined;

/** A backend that shares a tensor's data with another tensor (tfjs-node's has `incRef`). */
interface SharingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Replaces tfjs-node's `Reshape` kernel (backend `tensorflow`) with one that answers a reshape to the
 * input's own shape by sharing its data, as tfjs-node's `Identity` kernel does, and hands every real
 * reshape to tfjs-node's own kernel. tfjs' gradients and its `matMul` reshape to the same shape often
 * (a bias gradient `reshape(sum(dy), shape)`, a rank-3 operand made rank 3): each such call costs
 * tfjs-node a TensorFlow op and an int32 shape tensor created and freed, about 40 µs, for nothing.
 * Values are untouched. Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowReshape(): void {
  if (stockReshape !== undefined) return;
  const stock = tf.getKernel('Reshape', 'tensorflow');
  if (stock === undefined) return;
  stockReshape = stock;
  tf.unregisterKernel('Reshape', 'tensorflow');
  tf.registerKernel({
    kernelName: 'Reshape',
    backendName: 'tensorflow',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const shape = tf.util.inferFromImplicitShape([...(args.attrs?.['shape'] as number[])], tf.util.sizeFromShape(x.shape));
      if (tf.util.arraysEqual(shape, x.shape)) {
        (args.backend as unknown as SharingBackend).incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      }
      return stock.kernelFunc(args);
    },
  });
}

/** Puts tfjs-node's own `Reshape` kernel back (for tests). */
export function unregisterTensorflowReshape(): void {
  if (stockReshape === undefined) return;
  tf.unregisterKernel('Reshape', 'tensorflow');
  tf.registerKernel(stockReshape);
  stockReshape = undefined;
}
