import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';
import { rawBackend, rawDtype, reshapeHandle, shareInput } from './tensorflow-raw-ops.js';

const override = tensorflowKernelOverride('Reshape', (stock) => (args) => {
  const x = args.inputs['x'] as tf.TensorInfo;
  const shape = tf.util.inferFromImplicitShape([...(args.attrs?.['shape'] as number[])], tf.util.sizeFromShape(x.shape));
  const backend = rawBackend(args.backend);
  if (tf.util.arraysEqual(shape, x.shape)) {
    return shareInput(backend, x);
  }
  const dtype = rawDtype(backend, x.dtype);
  if (dtype === undefined) return stock.kernelFunc(args);
  return backend.createOutputTensor(reshapeHandle(backend, backend.getInputTensorIds([x])[0]!, dtype, shape));
});

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
  override.register();
}

/** Puts tfjs-node's own `Reshape` kernel back (for tests). */
export function unregisterTensorflowReshape(): void {
  override.unregister();
}
