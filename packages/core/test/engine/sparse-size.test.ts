import { describe, expect, it } from 'vitest';
import { sparseSize, sparseSizePoints, tensorSparseBytes } from '../../src/engine/sparse-size.js';

describe('tensorSparseBytes', () => {
  it('a [4, 8] kernel with 3 nonzero values: 12 bytes of values plus a 4-byte bitmap (CSR would take 32)', () => {
    const values = new Float32Array(32);
    values[0] = 1;
    values[9] = -2;
    values[31] = 0.5;
    // bitmap: ⌈32 / 8⌉ = 4 bytes; CSR: 3 column indices + (4 + 1) row pointers = 8 int32 = 32 bytes
    expect(tensorSparseBytes(values, [4, 8])).toBe(3 * 4 + 4);
  });

  it('quantized values: 1 (uint8) or 2 (float16) bytes each, the indices as before, never above the dense size at that width', () => {
    const values = new Float32Array(32);
    values[0] = 1;
    values[9] = -2;
    values[31] = 0.5;
    expect(tensorSparseBytes(values, [4, 8], 1)).toBe(3 + 4);
    expect(tensorSparseBytes(values, [4, 8], 2)).toBe(6 + 4);
    // 30 of 32 nonzero: 30 + 4 bytes sparse at uint8, above the 32 dense ones
    const full = new Float32Array(32).fill(1);
    full[3] = 0;
    full[7] = 0;
    expect(tensorSparseBytes(full, [4, 8], 1)).toBe(32);
    // at uint8 the bitmap pays once an eighth of the values are zero: 27 nonzero of 32 -> 27 + 4 = 31 < 32
    const eighth = new Float32Array(32).fill(1);
    for (const i of [0, 1, 2, 3, 4]) eighth[i] = 0;
    expect(tensorSparseBytes(eighth, [4, 8], 1)).toBe(31);
  });

  it('a [1000, 2] kernel with 5 nonzero values: CSR is cheaper than the bitmap only when rows are few', () => {
    const tall = new Float32Array(2000);
    for (const i of [0, 10, 100, 1000, 1999]) tall[i] = 1;
    // bitmap 250 bytes; CSR 5·4 + 1001·4 = 4024 bytes -> bitmap
    expect(tensorSparseBytes(tall, [1000, 2])).toBe(20 + 250);
    // the same values as [2, 1000]: CSR 5·4 + 3·4 = 32 bytes < bitmap 250 -> CSR
    expect(tensorSparseBytes(tall, [2, 1000])).toBe(20 + 32);
  });

  it('a convolution [3, 3, 2, 4] is seen as [18, 4] rows for CSR', () => {
    const values = new Float32Array(72);
    values[5] = 1;
    // bitmap 9 bytes; CSR 4 + 19·4 = 80 -> bitmap
    expect(tensorSparseBytes(values, [3, 3, 2, 4])).toBe(4 + 9);
  });

  it('is never above the dense size: a barely pruned tensor is stored dense', () => {
    const values = new Float32Array(16).fill(1);
    values[0] = 0;
    // one zero: 15·4 + a 2-byte bitmap = 62 bytes, below the dense 64
    expect(tensorSparseBytes(values, [4, 4])).toBe(62);
    values[0] = 1;
    // no zero: 64 + 2 bytes would exceed the dense 64, so it counts as dense
    expect(tensorSparseBytes(values, [4, 4])).toBe(64);
  });
});

describe('sparseSize', () => {
  it('counts the nonzero values, both sparsities, and the bytes of a small model by hand', () => {
    const kernel = new Float32Array(32); // [4, 8], 3 nonzero -> 16 bytes (see above)
    kernel[0] = 1;
    kernel[9] = -2;
    kernel[31] = 0.5;
    const bias = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]); // dense, one value happens to be 0
    const head = new Float32Array(16); // [8, 2], 4 nonzero: bitmap 2 bytes, CSR 16 + 36 -> 16 + 2 = 18
    for (const i of [1, 4, 9, 15]) head[i] = 1;
    const size = sparseSize([
      { values: kernel, shape: [4, 8], pruned: true },
      { values: bias, shape: [8], pruned: false },
      { values: head, shape: [8, 2], pruned: true },
    ]);
    expect(size).toEqual({
      params: 56,
      nonzeroParams: 3 + 7 + 4,
      prunedTensorParams: 48,
      prunedTensorNonzero: 7,
      sparsity: 1 - 7 / 48,
      sparsityAll: 1 - 14 / 56,
      sparseBytes: 16 + 32 + 18,
      denseBytes: 224,
    });
    expect(sparseSizePoints(size, 3, 0).map((point) => [point.key, point.value])).toEqual([
      ['model/nonzero_params', 14],
      ['model/sparsity', 1 - 7 / 48],
      ['model/sparsity_all', 0.75],
      ['model/sparse_bytes', 66],
    ]);
  });
});
