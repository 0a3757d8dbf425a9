import type * as tf from '@tensorflow/tfjs-core';

/** What tfjs-node's binding answers for each output of an op: a TensorFlow handle id, shape, dtype code. */
export interface RawOutput {
  id: number;
  shape: number[];
  dtype: number;
}

/** One attribute of a TensorFlow op, as tfjs-node's binding takes it. */
export interface RawAttribute {
  name: string;
  type: number;
  value: string | number | boolean | number[];
}

/** The calls and codes of tfjs-node's native binding used by kdlab's kernels. */
export interface RawBinding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_INT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_STRING: number;
  createTensor(shape: number[], dtype: number, values: Int32Array): number;
  deleteTensor(id: number): void;
  executeOp(name: string, attributes: RawAttribute[], inputs: number[], outputs: number): RawOutput[];
}

/** The parts of tfjs-node's `NodeJSKernelBackend` used by kdlab's kernels (public methods of its class). */
export interface RawBackend {
  binding: RawBinding;
  /** TensorFlow handle ids of tensors (uploading data written from JavaScript first). */
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  /** A tfjs tensor owning an op's output handle. */
  createOutputTensor(output: RawOutput): tf.Tensor;
  incRef(dataId: tf.DataId): void;
}

/** Constant int32 vectors kept as TensorFlow handles, per backend, in the order they were made. */
const vectors = new WeakMap<RawBackend, Map<string, number>>();

/** At most this many constant vectors are kept per backend; the oldest is freed past it. */
const MAX_VECTORS = 1024;

/**
 * A TensorFlow handle holding the int32 vector `values` (a shape, permutation or list of axes), made
 * once per backend and kept: tfjs-node's own kernels make a tfjs tensor of it on every call, upload it
 * and free it again (a JavaScript tensor, a native tensor and their bookkeeping, several microseconds
 * each time). Ops never change their inputs, so a kept handle can feed any number of them.
 *
 * @param backend - tfjs-node's backend.
 * @param values - the vector.
 */
export function int32Vector(backend: RawBackend, values: readonly number[]): number {
  let kept = vectors.get(backend);
  if (kept === undefined) {
    kept = new Map();
    vectors.set(backend, kept);
  }
  const key = values.join(',');
  const found = kept.get(key);
  if (found !== undefined) return found;
  if (kept.size >= MAX_VECTORS) {
    const [oldestKey, oldest] = kept.entries().next().value as [string, number];
    backend.binding.deleteTensor(oldest);
    kept.delete(oldestKey);
  }
  const id = backend.binding.createTensor([values.length], backend.binding.TF_INT32, Int32Array.from(values));
  kept.set(key, id);
  return id;
}

/** TensorFlow's dtype code of a tfjs dtype kdlab's kernels handle (float32, int32, bool); undefined otherwise. */
export function rawDtype(backend: RawBackend, dtype: tf.DataType): number | undefined {
  switch (dtype) {
    case 'float32':
      return backend.binding.TF_FLOAT;
    case 'int32':
      return backend.binding.TF_INT32;
    case 'bool':
      return backend.binding.TF_BOOL;
    default:
      return undefined;
  }
}

/** A type attribute (`T`, `Tidx`, ...) with TensorFlow's dtype code. */
export function typeAttribute(backend: RawBackend, name: string, code: number): RawAttribute {
  return { name, type: backend.binding.TF_ATTR_TYPE, value: code };
}

/**
 * Runs one TensorFlow op on handle ids and answers its single output's handle (the caller frees it or
 * hands it to {@link RawBackend.createOutputTensor}).
 */
export function rawOp(backend: RawBackend, name: string, attributes: RawAttribute[], inputs: number[]): RawOutput {
  return backend.binding.executeOp(name, attributes, inputs, 1)[0]!;
}

/** A handle reshaped to `shape` (a new handle; the caller frees it or hands it on). */
export function reshapeHandle(backend: RawBackend, id: number, dtype: number, shape: readonly number[]): RawOutput {
  return rawOp(backend, 'Reshape', [typeAttribute(backend, 'T', dtype), typeAttribute(backend, 'Tshape', backend.binding.TF_INT32)], [id, int32Vector(backend, shape)]);
}

/** The kernel output that shares `x`'s data (a new reference to it), as tfjs-node's `Identity` kernel answers. */
export function shareInput(backend: RawBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** The active backend as kdlab's kernels use it, from a kernel's arguments. */
export function rawBackend(backend: unknown): RawBackend {
  return backend as RawBackend;
}
