import * as tf from '@tensorflow/tfjs-core';
import { tensorflowKernelOverride } from './kernel-override.js';
import { rawBackend, rawOp, reshapeHandle, typeAttribute } from './tensorflow-raw-ops.js';

/** Whether a shape is a matrix: rank 2, or rank 3 with a batch of one. */
function isMatrix(shape: readonly number[]): boolean {
  return shape.length === 2 || (shape.length === 3 && shape[0] === 1);
}

const override = tensorflowKernelOverride('BatchMatMul', (stock) => (args) => {
  const a = args.inputs['a'] as tf.TensorInfo;
  const b = args.inputs['b'] as tf.TensorInfo;
  const transposeA = args.attrs?.['transposeA'] === true;
  const transposeB = args.attrs?.['transposeB'] === true;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !isMatrix(a.shape) || !isMatrix(b.shape)) return stock.kernelFunc(args);
  const [aRows, aColumns] = a.shape.slice(-2) as [number, number];
  const [bRows, bColumns] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? aColumns : aRows;
  const n = transposeB ? bRows : bColumns;
  if ((m !== 1 && n !== 1) || m * n * (transposeA ? aRows : aColumns) === 0) return stock.kernelFunc(args);
  const backend = rawBackend(args.backend);
  const [aId, bId] = backend.getInputTensorIds([a, b]) as [number, number];
  const a2 = a.shape.length === 2 ? undefined : reshapeHandle(backend, aId, backend.binding.TF_FLOAT, [aRows, aColumns]).id;
  const b2 = b.shape.length === 2 ? undefined : reshapeHandle(backend, bId, backend.binding.TF_FLOAT, [bRows, bColumns]).id;
  const attributes = [typeAttribute(backend, 'T', backend.binding.TF_FLOAT), { name: 'transpose_a', type: backend.binding.TF_ATTR_BOOL, value: transposeA }, { name: 'transpose_b', type: backend.binding.TF_ATTR_BOOL, value: transposeB }];
  const product = rawOp(backend, 'MatMul', attributes, [a2 ?? aId, b2 ?? bId]);
  if (a2 !== undefined) backend.binding.deleteTensor(a2);
  if (b2 !== undefined) backend.binding.deleteTensor(b2);
  if (a.shape.length === 2 && b.shape.length === 2) return backend.createOutputTensor(product);
  const output = reshapeHandle(backend, product.id, backend.binding.TF_FLOAT, [1, m, n]);
  backend.binding.deleteTensor(product.id);
  return backend.createOutputTensor(output);
});

/**
 * Replaces tfjs-node's `BatchMatMul` kernel (backend `tensorflow`) with one that runs a single
 * float32 matrix-vector product (`[m, k] x [k, 1]`, `[1, k] x [k, n]`, each operand of rank 2 or a
 * batch of one, either possibly transposed) as TensorFlow's two-dimensional `MatMul` instead of `BatchMatMulV2`: about 50
 * µs against 110-270 for `[6400, 64] x [64, 1]` here (one thread), the row sums of layer norm's
 * gradient. Every other product goes to tfjs-node's own kernel (for matrix-matrix products the two
 * ops are as fast). The products add in another order: equal to float32 rounding, not to the bit.
 * Registered once, when tfjs-node is loaded; does nothing without tfjs-node.
 */
export function registerTensorflowBatchMatMul(): void {
  override.register();
}

/** Puts tfjs-node's own `BatchMatMul` kernel back (for tests). */
export function unregisterTensorflowBatchMatMul(): void {
  override.unregister();
}
