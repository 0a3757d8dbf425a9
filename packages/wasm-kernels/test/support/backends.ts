import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node entry registers no gradients. tfjs-layers' Node bundle registers them all and
// loads in a fraction of the time vite takes to transform tfjs-core's own ES-module gradient files.
// (A test-only dependency: the package itself uses only tfjs-core and tfjs-backend-wasm.)
import '@tensorflow/tfjs-layers';
import { registerWasmKernels } from '../../src/index.js';

/** Values of a test input, made on the cpu backend so that both backends see the same numbers. */
export interface InputData {
  /** The shape. */
  shape: number[];
  /** The values, row-major. */
  values: Float32Array | Int32Array;
  /** The dtype. */
  dtype: 'float32' | 'int32';
}

/** Loads both backends, registers kdlab's wasm kernels and makes wasm the active backend. */
export async function useWasmWithKdlabKernels(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmKernels();
}

/** A float32 input of `shape` with standard-normal values from `seed`. */
export function randomInput(shape: number[], seed: number): InputData {
  return { shape, values: Float32Array.from(seededNormals(util_size(shape), seed)), dtype: 'float32' };
}

/** An int32 input. */
export function intInput(shape: number[], values: number[]): InputData {
  return { shape, values: Int32Array.from(values), dtype: 'int32' };
}

function util_size(shape: number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Deterministic standard normals (Box-Muller over a small linear congruential generator). */
function seededNormals(count: number, seed: number): number[] {
  let state = (seed * 2654435761) >>> 0 || 1;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const values: number[] = [];
  while (values.length < count) {
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    values.push(radius * Math.cos(angle), radius * Math.sin(angle));
  }
  return values.slice(0, count);
}

/** What a computation returned, read back as flat arrays with their shapes. */
export interface Outputs {
  /** Each output's shape. */
  shapes: number[][];
  /** Each output's values. */
  values: Array<Float32Array | Int32Array | Uint8Array>;
}

/** Runs `compute` on `backend` over tensors made from `inputs` and reads every output back. */
export async function runOn(backend: 'cpu' | 'wasm', inputs: InputData[], compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<Outputs> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const tensors = inputs.map((input) => tf.tensor(input.values, input.shape, input.dtype));
      const outputs = [compute(...tensors)].flat();
      return { shapes: outputs.map((output) => output.shape), values: outputs.map((output) => output.dataSync() as Float32Array | Int32Array) };
    });
  } finally {
    await tf.setBackend(previous);
  }
}

/** The gradients of `sum(f(...x) * weights)` with respect to every input, with fixed pseudo-random weights. */
export function gradientsOf(f: (...tensors: tf.Tensor[]) => tf.Tensor): (...tensors: tf.Tensor[]) => tf.Tensor[] {
  return (...tensors) =>
    tf.grads((...xs: tf.Tensor[]) => {
      const y = f(...xs);
      const weights = tf.sin(tf.mul(tf.range(0, y.size, 1, 'float32'), 0.37));
      return tf.sum(tf.mul(tf.reshape(y, [-1]), weights));
    })(tensors);
}

/**
 * The largest `|actual - expected|`, relative to `max(1, max |expected|)` of that output: float32
 * results of different summation orders agree to about 1e-6 of their scale.
 */
export function largestRelativeDifference(actual: Outputs, expected: Outputs): number {
  let largest = 0;
  expected.values.forEach((reference, output) => {
    const values = actual.values[output]!;
    if (values.length !== reference.length) throw new Error(`output ${output}: ${values.length} values, expected ${reference.length}`);
    let scale = 1;
    for (const value of reference) scale = Math.max(scale, Math.abs(value));
    for (let index = 0; index < reference.length; index++) largest = Math.max(largest, Math.abs(values[index]! - reference[index]!) / scale);
  });
  return largest;
}

/** Runs `compute` on wasm (with kdlab's kernels) and on cpu and returns both. */
export async function onBothBackends(inputs: InputData[], compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<{ wasm: Outputs; cpu: Outputs }> {
  return { wasm: await runOn('wasm', inputs, compute), cpu: await runOn('cpu', inputs, compute) };
}

/** Tolerance of wasm against cpu, relative to each output's scale (see {@link largestRelativeDifference}). */
export const RELATIVE_TOLERANCE = 1e-4;
