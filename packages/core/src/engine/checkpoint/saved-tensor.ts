import * as tf from '@tensorflow/tfjs-core';

/** A tensor's values copied out of the backend, with its shape and type: what a checkpoint holds. */
export interface SavedTensor {
  /** Its type (checkpoints hold float and integer tensors). */
  dtype: 'float32' | 'int32';
  /** Its shape. */
  shape: number[];
  /** Its values, row-major, unchanged by later training (not to be written into). */
  values: Float32Array | Int32Array;
}

/**
 * How a training hands its checkpoint's tensor values to its `checkpoint` callback: `copied` (read out
 * of the backend when the checkpoint is taken, the callback may keep them), or `on-access` (read anew
 * each time `values` is read, and only while the callback runs: for a callback that writes them out one
 * at a time, so that a checkpoint never holds the model, its optimizer state and its best weights in
 * JavaScript all at once; bench/native/MEMORY.md, section 6).
 */
export type CheckpointValues = 'copied' | 'on-access';

/**
 * Copies a tensor's values out (synchronously: a checkpoint is taken between steps). The values are
 * those `dataSync()` reads: a copy out of the backend (tfjs-node, wasm), or values the tensor holds
 * and never changes (tensors are immutable; training assigns its variables new tensors), so they are
 * not copied a second time. Nothing may write into them.
 */
export function saveTensor(tensor: tf.Tensor): SavedTensor {
  return { dtype: checkpointDtype(tensor), shape: [...tensor.shape], values: valuesOf(tensor) };
}

/**
 * A tensor's shape and type, and its values read on access: each read of `values` reads them out of
 * the backend anew, and keeps nothing. Valid while the tensor lives (a checkpoint's `on-access` values,
 * see {@link CheckpointValues}).
 */
export function readOnAccess(tensor: tf.Tensor): SavedTensor {
  const dtype = checkpointDtype(tensor);
  return {
    dtype,
    shape: [...tensor.shape],
    get values() {
      return valuesOf(tensor);
    },
  };
}

function checkpointDtype(tensor: tf.Tensor): SavedTensor['dtype'] {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') throw new Error(`A checkpoint cannot hold a ${tensor.dtype} tensor (shape [${tensor.shape.join(', ')}]).`);
  return tensor.dtype;
}

function valuesOf(tensor: tf.Tensor): Float32Array | Int32Array {
  const values = tensor.dataSync();
  if (tensor.dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** A new tensor holding saved values; the caller disposes it. */
export function loadTensor(saved: SavedTensor): tf.Tensor {
  return tf.tensor(saved.values, saved.shape, saved.dtype);
}

/**
 * Writes saved values into variables, one for one, after checking that they match.
 * @param what - what the variables are, for the error (e.g. `the model's variables`).
 * @throws Error naming the variable and both shapes when one does not match, or both counts.
 */
export function assignSaved(variables: readonly tf.Variable[], saved: readonly SavedTensor[], what: string): void {
  if (variables.length !== saved.length) throw new Error(`The checkpoint holds ${saved.length} values for ${what}, which have ${variables.length}.`);
  variables.forEach((variable, i) => {
    const value = saved[i]!;
    if (value.shape.join(',') !== variable.shape.join(',') || value.dtype !== variable.dtype) {
      throw new Error(`The checkpoint's value ${i} for ${what} is ${value.dtype} [${value.shape.join(', ')}], but variable "${variable.name}" is ${variable.dtype} [${variable.shape.join(', ')}].`);
    }
  });
  tf.tidy(() => variables.forEach((variable, i) => variable.assign(loadTensor(saved[i]!))));
}
