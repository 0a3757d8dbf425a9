import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from '../../support/seeded-values.js';
import { selectBackend } from '@kdlab/core';
import { encodeFloat16, float16Bits } from '../../../src/engine/quantize/float16.js';

/** Every half-precision bit pattern, decoded by tfjs-core's own loader code (`tf.io.decodeWeights`). */
let decoded: Float32Array;

beforeAll(async () => {
  await selectBackend('cpu');
  const patterns = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const spec: tf.io.WeightsManifestEntry = { name: 'all', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } };
  const tensor = tf.io.decodeWeights(patterns.buffer, [spec])['all']!;
  decoded = tensor.dataSync() as Float32Array;
  tensor.dispose();
});

/**
 * The nearest half to a float32, found by search over the decoded positive patterns (which increase
 * with their bits), ties to the even pattern; beyond the largest half, 65536 stands for Infinity.
 */
function referenceBits(value: number): number {
  if (Number.isNaN(value)) return Number.NaN;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  const at = (p: number): number => (p === 0x7c00 ? 65536 : decoded[p]!);
  if (magnitude >= at(0x7c00)) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7c00;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (at(mid) <= magnitude) lo = mid;
    else hi = mid;
  }
  const below = magnitude - at(lo);
  const above = at(hi) - magnitude;
  const nearest = below < above ? lo : above < below ? hi : lo % 2 === 0 ? lo : hi;
  return sign | nearest;
}

describe('float16Bits', () => {
  it('encodes every half back to its own bits: the round trip of a representable value is exact', () => {
    let checked = 0;
    for (let bits = 0; bits < 65536; bits += 1) {
      if (Number.isNaN(decoded[bits])) continue;
      expect(float16Bits(decoded[bits]!)).toBe(bits);
      checked += 1;
    }
    expect(checked).toBe(65536 - 2 * 1023);
  });

  it('rounds to the nearest half with ties to even, as a search over tfjs-decoded halves finds it', () => {
    const unit = seededValues(4000, 1);
    const values = [
      ...Array.from(unit, (u) => u * 3),
      ...Array.from(unit, (u) => u * 1e-4),
      ...Array.from(unit, (u) => u * 1e-7),
      ...Array.from(unit, (u) => u * 7e4),
    ];
    for (const value of Float32Array.from(values)) expect(float16Bits(value), String(value)).toBe(referenceBits(value));
  });

  it('breaks exact ties towards the even mantissa and overflows past 65504 as NumPy does', () => {
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(2 ** -25)).toBe(0);
    expect(float16Bits(3 * 2 ** -25)).toBe(2);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65519)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
    expect(float16Bits(-Infinity)).toBe(0xfc00);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(float16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(float16Bits(Number.NaN) & 0x3ff).not.toBe(0);
  });

  it('encodeFloat16 encodes each value of an array', () => {
    expect(Array.from(encodeFloat16(Float32Array.from([0, 1, -2, 0.5])))).toEqual([0, 0x3c00, 0xc000, 0x3800]);
  });
});
