import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';
import { int32Vector, rawBackend, rawOp, typeAttribute } from './tensorflow-raw-ops.js';

const override = tensorflowKernelOverride('Mean', (stock) => (args) => {
  const x = args.inputs['x'] as tf.TensorInfo;
  const axes = [...tf.util.parseAxisParam(args.attrs?.['axis'] as number | number[], x.shape)];
  if (x.dtype !== 'float32' || axes.length === 0 || tf.util.sizeFromShape(x.shape) === 0) return stock.kernelFunc(args);
  const backend = rawBackend(args.backend);
  const attributes = [
    { name: 'keep_dims', type: backend.binding.TF_ATTR_BOOL, value: args.attrs?.['keepDims'] === true },
    typeAttribute(backend, 'T', backend.binding.TF_FLOAT),
    typeAttribute(backend, 'Tidx', backend.binding.TF_INT32),
  ];
  return backend.createOutputTensor(rawOp(backend, 'Mean', attributes, [backend.getInputTensorIds([x])[0]!, int32Vector(backend, axes)]));
});

/**
 * Replaces tfjs-node's `Mean` kernel (backend `tensorflow`) for float32 tensors with TensorFlow's
 * `Mean` op on the input itself, the axes kept as a TensorFlow handle ({@link int32Vector}). tfjs-node's
 * own kernel first casts its input to float32 (a tfjs kernel and a TensorFlow op even when it is
 * float32 already) and makes, uploads and frees a tfjs tensor of the axes on every call. The same op
 * on the same values: the same result to the bit. Other dtypes and empty tensors go to tfjs-node's
 * own kernel. Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowMean(): void {
  override.register();
}

/** Puts tfjs-node's own `Mean` kernel back (for tests). */
export function unregisterTensorflowMean(): void {
  override.unregister();
}
