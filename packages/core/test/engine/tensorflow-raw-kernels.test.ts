import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { registerTensorflowCast, unregisterTensorflowCast } from '../../src/engine/backend/native/tensorflow-cast.js';
import { registerTensorflowMean, unregisterTensorflowMean } from '../../src/engine/backend/native/tensorflow-mean.js';
import { int32Vector, type RawBackend } from '../../src/engine/backend/native/tensorflow-raw-ops.js';
import { registerTensorflowReshape, unregisterTensorflowReshape } from '../../src/engine/backend/native/tensorflow-reshape.js';
import { registerTensorflowSum, unregisterTensorflowSum } from '../../src/engine/backend/native/tensorflow-sum.js';
import { registerTensorflowTranspose, unregisterTensorflowTranspose } from '../../src/engine/backend/native/tensorflow-transpose.js';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// tfjs-node is an optional backend (built by `kdlab native build`); without it these tests skip.
const unavailable = await nativeBackendUnavailable('kdlab\'s Sum, Mean, Transpose and Reshape kernels on tfjs-node');

const KERNELS = ['Sum', 'Mean', 'Transpose', 'Reshape', 'Cast'] as const;
const UNREGISTER = [unregisterTensorflowSum, unregisterTensorflowMean, unregisterTensorflowTranspose, unregisterTensorflowReshape, unregisterTensorflowCast];
const REGISTER = [registerTensorflowSum, registerTensorflowMean, registerTensorflowTranspose, registerTensorflowReshape, registerTensorflowCast];

/** Runs `f` with tfjs-node's own kernels, then puts kdlab's back. */
function withStockKernels<T>(f: () => T): T {
  UNREGISTER.forEach((unregister) => unregister());
  try {
    return f();
  } finally {
    REGISTER.forEach((register) => register());
  }
}

/** Deterministic values in [-1, 1), some large, from an index. */
function values(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, index) => (((index * 7919 + seed * 104729) % 2003) / 1001.5 - 1) * (index % 17 === 0 ? 1000 : 1));
}

/** The sum of `x` (row-major `shape`) over `axes`, in double precision. */
function referenceSum(x: Float32Array, shape: number[], axes: number[]): { values: number[]; shape: number[] } {
  const outShape = shape.filter((_, axis) => !axes.includes(axis));
  const out = new Array<number>(tf.util.sizeFromShape(outShape)).fill(0);
  const strides = tf.util.computeStrides(shape);
  const outStrides = tf.util.computeStrides(outShape);
  for (let flat = 0; flat < x.length; flat++) {
    let rest = flat;
    let target = 0;
    let kept = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      const stride = axis < strides.length ? strides[axis]! : 1;
      const coordinate = Math.floor(rest / stride);
      rest -= coordinate * stride;
      if (!axes.includes(axis)) {
        target += coordinate * (kept < outStrides.length ? outStrides[kept]! : 1);
        kept++;
      }
    }
    out[target]! += x[flat]!;
  }
  return { values: out, shape: outShape };
}

/** The largest difference from the reference relative to the sum of magnitudes it adds (float32 rounding of a sum). */
function sumError(actual: tf.Tensor, x: Float32Array, shape: number[], axes: number[]): number {
  const reference = referenceSum(x, shape, axes);
  const magnitudes = referenceSum(x.map(Math.abs), shape, axes);
  const got = actual.dataSync();
  return Math.max(...reference.values.map((value, index) => Math.abs(got[index]! - value) / magnitudes.values[index]!));
}

describe.skipIf(unavailable !== undefined)("kdlab's Sum, Mean, Transpose and Reshape kernels on tfjs-node", () => {
  afterAll(() => selectBackend('wasm'));

  it('are the ones selectBackend registers', () => {
    const kernels = KERNELS.map((name) => tf.getKernel(name, 'tensorflow'));
    REGISTER.forEach((register) => register());
    KERNELS.forEach((name, index) => expect(tf.getKernel(name, 'tensorflow'), name).toBe(kernels[index]));
    const stock = withStockKernels(() => KERNELS.map((name) => tf.getKernel(name, 'tensorflow')));
    KERNELS.forEach((name, index) => expect(stock[index], name).not.toBe(kernels[index]));
    // registered again afterwards: kdlab's, not tfjs-node's
    KERNELS.forEach((name, index) => expect(tf.getKernel(name, 'tensorflow'), name).not.toBe(stock[index]));
  });

  it('sum over leading axes (column sums), other axes and all of them, to float32 rounding of the exact sums, with the shapes tfjs-node gives', () => {
    const cases: [number[], number[], boolean][] = [
      [[128, 50, 64], [0, 1], false],
      [[128, 50, 64], [0], false],
      [[128, 50, 64], [0], true],
      [[6400, 256], [0], false],
      [[6400, 256], [-2], true],
      [[5, 3, 4, 2], [0, 1, 2], true],
      [[5, 3, 4, 2], [1, 0], false],
      [[7, 1], [0], false],
      [[128, 50, 64], [2], true],
      [[128, 50, 64], [1], false],
      [[128, 4, 50, 50], [3], true],
      [[6, 5], [0, 1], false],
      [[33], [0], false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const data = values(tf.util.sizeFromShape(shape), shape.length + axis.length);
      const x = tf.tensor(data, shape);
      const ours = tf.sum(x, axis, keepDims);
      const stock = withStockKernels(() => tf.sum(x, axis, keepDims));
      const label = `[${shape.join(',')}] axes [${axis.join(',')}] keepDims ${String(keepDims)}`;
      expect(ours.shape, label).toEqual(stock.shape);
      const axes = tf.util.parseAxisParam(axis, shape);
      expect(sumError(ours, data, shape, axes), label).toBeLessThan(1e-5);
      expect(sumError(stock, data, shape, axes), label).toBeLessThan(1e-5);
      tf.dispose([x, ours, stock]);
    }
  });

  it('sum int32 exactly, and booleans as tfjs-node does', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const b = tf.tensor2d([true, false, true, true], [2, 2], 'bool');
    const sums = [tf.sum(x, 0), tf.sum(x, 1, true), tf.sum(b, 0)];
    expect(sums.map((t) => [t.dtype, t.shape, Array.from(t.dataSync())])).toEqual([
      ['int32', [2], [9, 12]],
      ['int32', [3, 1], [3, 7, 11]],
      ['int32', [2], [2, 1]],
    ]);
    tf.dispose([x, b, ...sums]);
  });

  it('mean, transpose and reshape give tfjs-node\'s own values to the bit', () => {
    const data = values(128 * 50 * 64, 3);
    const x = tf.tensor3d(data, [128, 50, 64]);
    const ints = tf.tensor3d(Int32Array.from(data, (value) => Math.round(value)), [128, 50, 64], 'int32');
    const run = () =>
      [
        tf.mean(x, -1, true),
        tf.mean(x, [0, 1]),
        tf.mean(x),
        tf.mean(ints, 1),
        tf.transpose(tf.reshape(x, [128, 50, 4, 16]), [0, 2, 1, 3]),
        tf.transpose(ints, [2, 0, 1]),
        tf.reshape(x, [6400, 64]),
        tf.reshape(ints, [-1]),
      ].map((t) => ({ shape: t.shape, dtype: t.dtype, bits: Array.from(new Uint32Array(t.dataSync().buffer)) }));
    const ours = tf.tidy(run);
    const stock = withStockKernels(() => tf.tidy(run));
    expect(ours).toEqual(stock);
    tf.dispose([x, ints]);
  });

  it('transpose with a permutation that changes nothing by sharing the input\'s data', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const same = tf.transpose(x, [0, 1]);
    expect(same.dataId).toBe(x.dataId);
    x.dispose();
    expect(same.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [0, 1]), tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))))(same);
    expect(Array.from(grad.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([same, grad]);
  });

  it('cast to the input\'s own dtype by sharing its data, and hand real casts to tfjs-node\'s kernel', () => {
    const x = tf.tensor2d([1.5, -2.25, 0, 7], [2, 2]);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    const bools = tf.cast(x, 'bool');
    expect(same.dataId).toBe(x.dataId);
    expect(ints.dataId).not.toBe(x.dataId);
    x.dispose();
    expect([Array.from(same.dataSync()), Array.from(ints.dataSync()), Array.from(bools.dataSync())]).toEqual([
      [1.5, -2.25, 0, 7],
      [1, -2, 0, 7],
      [1, 1, 0, 1],
    ]);
    const back = tf.cast(ints, 'int32');
    expect(back.dataId).toBe(ints.dataId);
    tf.dispose([same, ints, bools, back]);
  });

  it('differentiate as before, and free every tensor they make', () => {
    const x = tf.tensor3d(values(4 * 5 * 6, 4), [4, 5, 6]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(tf.reshape(tf.add(t, tf.mean(t, -1, true)), [4, 30]), [1, 0]), tf.tile(tf.reshape(tf.sum(t, [0, 1]), [6, 1]), [5, 4])));
    const before = tf.memory().numTensors;
    const ours = tf.grad(f)(x);
    const stock = withStockKernels(() => tf.grad(f)(x));
    expect(tf.memory().numTensors).toBe(before + 2);
    const scale = Math.max(...Array.from(stock.dataSync(), Math.abs));
    expect(Math.max(...Array.from(tf.sub(ours, stock).dataSync(), Math.abs)) / scale).toBeLessThan(1e-5);
    tf.dispose([x, ours, stock]);
  });

  it('keep at most 1024 constant vectors per backend, the oldest freed first', () => {
    const backend = tf.backend() as unknown as RawBackend;
    const first = int32Vector(backend, [1, 2, 3]);
    expect(int32Vector(backend, [1, 2, 3])).toBe(first);
    for (let size = 0; size < 1100; size++) int32Vector(backend, [size, 987654]);
    expect(int32Vector(backend, [1, 2, 3])).not.toBe(first);
    // shapes made after that eviction still reshape correctly
    const x = tf.range(0, 24);
    expect(tf.reshape(x, [2, 3, 4]).arraySync()).toEqual(withStockKernels(() => tf.reshape(x, [2, 3, 4]).arraySync()));
    x.dispose();
  });
});
