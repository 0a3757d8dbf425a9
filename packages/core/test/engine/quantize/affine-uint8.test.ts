import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from '../../support/seeded-values.js';
import { selectBackend } from '@kdlab/core';
import { quantizeAffineUint8 } from '../../../src/engine/quantize/affine-uint8.js';

beforeAll(() => selectBackend('cpu'));

/** What stock tfjs decodes from the quantized bytes (`q * scale + min`, in its loader). */
function decodeWithTfjs(values: Uint8Array, min: number, scale: number): Float32Array {
  const spec: tf.io.WeightsManifestEntry = { name: 'w', shape: [values.length], dtype: 'float32', quantization: { dtype: 'uint8', min, scale } };
  const tensor = tf.io.decodeWeights(values.slice().buffer, [spec])['w']!;
  const out = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return out;
}

describe('quantizeAffineUint8', () => {
  it("gives the converter's own documented example: [0, -0.1, 1.2] -> [20, 0, 255], min -0.10196078817, scale 0.00509803940852", () => {
    const q = quantizeAffineUint8(Float32Array.from([0, -0.1, 1.2]));
    expect(Array.from(q.values)).toEqual([20, 0, 255]);
    expect(q.min).toBeCloseTo(-0.10196078817, 10);
    expect(q.scale).toBeCloseTo(0.00509803940852, 12);
  });

  it('uses scale = (max - min) / 255 and a min nudged so that 0 is a level; tfjs decodes each value within scale / 2', () => {
    const values = Float32Array.from(seededValues(5000, 3), (v) => v * 0.3 - 0.05);
    values[17] = 0;
    const low = Math.min(...values);
    const high = Math.max(...values);
    const q = quantizeAffineUint8(values);
    expect(q.scale).toBe((high - low) / 255);
    const zeroLevel = -q.min / q.scale;
    expect(Math.abs(zeroLevel - Math.round(zeroLevel))).toBeLessThan(1e-9);
    expect(Math.abs(q.min - low)).toBeLessThanOrEqual(q.scale / 2);
    const decoded = decodeWithTfjs(q.values, q.min, q.scale);
    expect(decoded[17]).toBe(0);
    let worst = 0;
    for (let i = 0; i < values.length; i += 1) worst = Math.max(worst, Math.abs(decoded[i]! - values[i]!));
    // scale / 2, plus the float32 rounding of the decoded value.
    expect(worst).toBeLessThanOrEqual(q.scale / 2 + 2 ** -23 * 0.4);
    expect(worst).toBeGreaterThan(q.scale / 4);
    expect(Math.min(...q.values)).toBe(0);
    expect(Math.max(...q.values)).toBe(255);
  });

  it('keeps min at the minimum when the range does not cover 0 (no nudge)', () => {
    const values = Float32Array.from(seededValues(300, 4), (v) => 2 + v);
    const q = quantizeAffineUint8(values);
    expect(q.min).toBe(Math.min(...values));
    expect(q.scale).toBe((Math.max(...values) - Math.min(...values)) / 255);
    const decoded = decodeWithTfjs(q.values, q.min, q.scale);
    for (let i = 0; i < values.length; i += 1) expect(Math.abs(decoded[i]! - values[i]!)).toBeLessThanOrEqual(q.scale / 2 + 2 ** -22);
  });

  it('stores a constant tensor as zeros with scale 1 and min its value, decoded exactly', () => {
    const q = quantizeAffineUint8(new Float32Array(6).fill(0.25));
    expect(Array.from(q.values)).toEqual([0, 0, 0, 0, 0, 0]);
    expect([q.min, q.scale]).toEqual([0.25, 1]);
    expect(Array.from(decodeWithTfjs(q.values, q.min, q.scale))).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });

  it('refuses a non-finite value, naming the weight', () => {
    expect(() => quantizeAffineUint8(Float32Array.from([1, Number.NaN]), 'weight "dense/kernel"')).toThrow(/dense\/kernel.*non-finite/);
  });
});
