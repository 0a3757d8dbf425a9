import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';
import { int32Vector, rawBackend, rawDtype, rawOp, shareInput, typeAttribute } from './tensorflow-raw-ops.js';

const override = tensorflowKernelOverride('Transpose', (stock) => (args) => {
  const x = args.inputs['x'] as tf.TensorInfo;
  const backend = rawBackend(args.backend);
  const dtype = rawDtype(backend, x.dtype);
  if (dtype === undefined) return stock.kernelFunc(args);
  const perm = args.attrs?.['perm'] as number[];
  if (perm.every((axis, index) => axis === index)) {
    // tfjs-layers' dense layer transposes its kernel with [0, 1] (a rank-2 kernel keeps its order)
    return shareInput(backend, x);
  }
  const attributes = [typeAttribute(backend, 'T', dtype), typeAttribute(backend, 'Tperm', backend.binding.TF_INT32)];
  return backend.createOutputTensor(rawOp(backend, 'Transpose', attributes, [backend.getInputTensorIds([x])[0]!, int32Vector(backend, perm)]));
});

/**
 * Replaces tfjs-node's `Transpose` kernel (backend `tensorflow`) with one that runs TensorFlow's
 * `Transpose` op with the permutation kept as a TensorFlow handle ({@link int32Vector}) instead of a
 * tfjs tensor made, uploaded and freed on every call (attention transposes its heads four times a
 * layer and step), and answers a permutation that changes nothing by sharing the input's data, as
 * tfjs-node's `Identity` kernel does (tfjs-layers' dense layer transposes its kernel with `[0, 1]` on
 * every call on a rank-3 input, and its gradient does again). The same op, the same values; dtypes other than float32, int32 and bool go to
 * tfjs-node's own kernel. Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowTranspose(): void {
  override.register();
}

/** Puts tfjs-node's own `Transpose` kernel back (for tests). */
export function unregisterTensorflowTranspose(): void {
  override.unregister();
}
