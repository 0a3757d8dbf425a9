import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { registerTensorflowBatchMatMul, unregisterTensorflowBatchMatMul } from '../../src/engine/backend/native/tensorflow-batch-mat-mul.js';
import { nativeBackendUnavailable } from '../../../../test/support/native-backend.js';

// tfjs-node is an optional backend (built by `kdlab native build`); without it these tests skip.
const unavailable = await nativeBackendUnavailable('kdlab\'s BatchMatMul kernel on tfjs-node');

/** Runs `f` with tfjs-node's own kernel, then puts kdlab's back. */
function withStockKernel<T>(f: () => T): T {
  unregisterTensorflowBatchMatMul();
  try {
    return f();
  } finally {
    registerTensorflowBatchMatMul();
  }
}

/** Deterministic values in [-1, 1) from an index. */
function values(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, index) => ((index * 7919 + seed * 104729) % 2003) / 1001.5 - 1);
}

/** `op(a) op(b)` in double precision, with magnitudes `|op(a)| |op(b)|` (row-major matrices). */
function referenceProduct(a: Float32Array, [aRows, aColumns]: number[], b: Float32Array, [bRows, bColumns]: number[], transposeA: boolean, transposeB: boolean) {
  const m = transposeA ? aColumns! : aRows!;
  const k = transposeA ? aRows! : aColumns!;
  const n = transposeB ? bRows! : bColumns!;
  const at = (i: number, l: number) => (transposeA ? a[l * aColumns! + i]! : a[i * aColumns! + l]!);
  const bt = (l: number, j: number) => (transposeB ? b[j * bColumns! + l]! : b[l * bColumns! + j]!);
  const product: number[] = [];
  const magnitude: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let size = 0;
      for (let l = 0; l < k; l++) {
        sum += at(i, l) * bt(l, j);
        size += Math.abs(at(i, l) * bt(l, j));
      }
      product.push(sum);
      magnitude.push(size);
    }
  }
  return { product, magnitude, shape: [m, n] };
}

describe.skipIf(unavailable !== undefined)("kdlab's BatchMatMul kernel on tfjs-node", () => {
  afterAll(() => selectBackend('wasm'));

  it('is the one selectBackend registers', () => {
    const kernel = tf.getKernel('BatchMatMul', 'tensorflow');
    registerTensorflowBatchMatMul();
    expect(tf.getKernel('BatchMatMul', 'tensorflow')).toBe(kernel);
    expect(withStockKernel(() => tf.getKernel('BatchMatMul', 'tensorflow'))).not.toBe(kernel);
  });

  it('gives matrix-vector products to float32 rounding of the exact ones, rank 2 or a batch of one, transposed or not, with tfjs-node\'s shapes', () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[6400, 64], [64, 1], false, false],
      [[1, 6400, 64], [1, 64, 1], false, false],
      [[6400, 1], [6400, 64], true, false],
      [[1, 6400, 1], [1, 6400, 64], true, false],
      [[6400, 64], [6400, 1], true, false],
      [[1, 37], [5, 37], false, true],
      [[37, 1], [37, 5], true, false],
      [[5, 37], [1, 37], false, true],
      [[1, 5, 37], [37, 1], false, false],
      [[1, 1], [1, 1], false, false],
    ];
    for (const [aShape, bShape, transposeA, transposeB] of cases) {
      const aValues = values(tf.util.sizeFromShape(aShape), 1);
      const bValues = values(tf.util.sizeFromShape(bShape), 2);
      const a = tf.tensor(aValues, aShape);
      const b = tf.tensor(bValues, bShape);
      const ours = tf.matMul(a, b, transposeA, transposeB);
      const stock = withStockKernel(() => tf.matMul(a, b, transposeA, transposeB));
      const label = `[${aShape.join(',')}]${transposeA ? 'ᵀ' : ''} x [${bShape.join(',')}]${transposeB ? 'ᵀ' : ''}`;
      expect(ours.shape, label).toEqual(stock.shape);
      const reference = referenceProduct(aValues, aShape.slice(-2), bValues, bShape.slice(-2), transposeA, transposeB);
      const got = ours.dataSync();
      reference.product.forEach((value, index) => expect(Math.abs(got[index]! - value) / reference.magnitude[index]!, label).toBeLessThan(1e-6));
      tf.dispose([a, b, ours, stock]);
    }
  });

  it('hands every other product to tfjs-node\'s own kernel (the same values to the bit), and frees what it makes', () => {
    const a = tf.tensor3d(values(2 * 30 * 20, 3), [2, 30, 20]);
    const b = tf.tensor3d(values(2 * 20 * 10, 4), [2, 20, 10]);
    const m = tf.tensor2d(values(30 * 20, 5), [30, 20]);
    const run = () => [tf.matMul(a, b), tf.matMul(m, tf.slice(tf.reshape(b, [40, 10]), 0, 20)), tf.matMul(a, tf.tensor3d(values(2 * 20, 6), [2, 20, 1]))].map((t) => Array.from(t.dataSync()));
    const before = tf.memory().numTensors;
    const ours = tf.tidy(run);
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(withStockKernel(() => tf.tidy(run)));
    tf.dispose([a, b, m]);
  });

  it('differentiates as before: the gradients of a row-sum and a column-weighting product', () => {
    const x = tf.tensor2d(values(50 * 16, 7), [50, 16]);
    const w = tf.tensor2d(values(16, 8), [16, 1]);
    const r = tf.tensor2d(values(50, 9), [50, 1]);
    const f = (input: tf.Tensor, column: tf.Tensor, rows: tf.Tensor) => tf.sum(tf.mul(tf.matMul(input, column), tf.sum(tf.matMul(rows, input, true, false))));
    const grads = (): number[][] => tf.tidy(() => tf.grads(f)([x, w, r]).map((g) => Array.from(g.dataSync())));
    const ours = grads();
    const stock = withStockKernel(grads);
    ours.forEach((grad, index) => {
      const scale = Math.max(...stock[index]!.map(Math.abs));
      expect(Math.max(...grad.map((value, i) => Math.abs(value - stock[index]![i]!))) / scale).toBeLessThan(1e-5);
    });
    tf.dispose([x, w, r]);
  });
});
