import * as tf from '@tensorflow/tfjs-core';
import { int32Vector, rawBackend, rawDtype, rawOp, typeAttribute } from './tensorflow-raw-ops.js';

/** The tfjs-node `Reshape` kernel kdlab's replaces, kept to forward real reshapes to it. */
let stockReshape: tf.KernelConfig | undefined;

/**
 * Replaces tfjs-node's `Reshape` kernel (backend `tensorflow`) with one that answers a reshape to the
 * input's own shape by sharing its data, as tfjs-node's `Identity` kernel does, and runs every real
 * reshape as TensorFlow's `Reshape` op with the target shape kept as a TensorFlow handle
 * ({@link int32Vector}). tfjs' gradients and its `matMul` reshape to the same shape often (a bias
 * gradient `reshape(sum(dy), shape)`, a rank-3 operand made rank 3): each such call costs tfjs-node a
 * TensorFlow op and an int32 shape tensor created and freed, about 40 µs, for nothing; a real one
 * costs the op alone. Values are untouched (dtypes other than float32, int32 and bool go to
 * tfjs-node's own kernel). Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
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
      const backend = rawBackend(args.backend);
      if (tf.util.arraysEqual(shape, x.shape)) {
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      }
      const dtype = rawDtype(backend, x.dtype);
      if (dtype === undefined) return stock.kernelFunc(args);
      const attributes = [typeAttribute(backend, 'T', dtype), typeAttribute(backend, 'Tshape', backend.binding.TF_INT32)];
      return backend.createOutputTensor(rawOp(backend, 'Reshape', attributes, [backend.getInputTensorIds([x])[0]!, int32Vector(backend, shape)]));
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
