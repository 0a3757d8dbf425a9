import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/data/batcher.js';
import { byteSplit, decodeInputRowsInto, inputRows, inputValueCount } from '../../src/data/byte-inputs.js';
import type { DataSplit } from '../../src/data/dataset.js';

/** Per-channel tables that differ by channel: channel c maps byte p to (p - 10c) / 7. */
function levels(channels: number): Float32Array {
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) for (let p = 0; p < 256; p++) table[c * 256 + p] = (p - 10 * c) / 7;
  return table;
}

/** `count` examples of `width` bytes (pseudo-random, fixed), labels i % 5. */
function bytesOf(count: number, width: number): { bytes: Uint8Array; y: Int32Array } {
  const bytes = new Uint8Array(count * width);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) % 256;
  return { bytes, y: Int32Array.from({ length: count }, (_, i) => i % 5) };
}

/** The float copy of byte inputs, decoded independently of the code under test. */
function floatCopy(bytes: Uint8Array, table: Float32Array, channels: number): Float32Array {
  return Float32Array.from(bytes, (byte, i) => table[(i % channels) * 256 + byte]!);
}

describe('byte inputs', () => {
  for (const channels of [1, 3]) {
    const width = 4 * channels;
    const { bytes, y } = bytesOf(9, width);
    const table = levels(channels);
    const expected = floatCopy(bytes, table, channels);

    it(`decode to the float copy, whole and row by row (${channels} channel(s))`, () => {
      const split = byteSplit({ bytes, levels: table, channels }, y);
      expect(split.count).toBe(9);
      expect(inputValueCount(split)).toBe(9 * width);
      expect(inputRows(split, 2, 3, width)).toEqual(expected.subarray(2 * width, 5 * width));
      const out = new Float32Array(width + 1);
      decodeInputRowsInto(split, 7, width, out, 1);
      expect(out.subarray(1)).toEqual(expected.subarray(7 * width, 8 * width));
      expect(split.x).toEqual(expected);
      expect(split.x).toBe(split.x); // decoded once, then kept
    });

    it(`batch exactly as the float split does (${channels} channel(s))`, () => {
      const floats: DataSplit = { x: expected, y, count: 9 };
      const compact = byteSplit({ bytes, levels: table, channels }, y);
      const a = new Batcher(floats, { batchSize: 4, seed: 3 });
      const b = new Batcher(compact, { batchSize: 4, seed: 3 });
      expect(b.exampleSize).toBe(width);
      for (const epoch of [0, 1]) {
        for (let step = 0; step < a.stepsPerEpoch; step++) {
          const fromFloats = { x: [...a.batch(epoch, step).x], indices: [...a.batch(epoch, step).indices] };
          const fromBytes = b.batch(epoch, step);
          expect([...fromBytes.indices]).toEqual(fromFloats.indices);
          expect([...fromBytes.x]).toEqual(fromFloats.x);
        }
      }
    });
  }

  it('never decode the whole split while batching or reading rows', () => {
    const { bytes, y } = bytesOf(6, 2);
    const split = byteSplit({ bytes, levels: levels(1), channels: 1 }, y);
    let decodedWhole = false;
    const watched = new Proxy(split, {
      get(target, field) {
        if (field === 'x') decodedWhole = true;
        return Reflect.get(target, field, target) as unknown;
      },
    });
    const batcher = new Batcher(watched, { batchSize: 4, seed: 0, inputShape: [2] });
    for (const batch of batcher.epoch(0)) expect(batch.size).toBeGreaterThan(0);
    inputRows(watched, 0, 6, 2);
    expect(decodedWhole).toBe(false);
  });

  it('name what is wrong with inputs that do not fit', () => {
    const y = new Int32Array(2);
    expect(() => byteSplit({ bytes: new Uint8Array(6), levels: new Float32Array(255), channels: 1 }, y)).toThrow(/levels hold 255 floats; 1 channel\(s\) need 256/);
    expect(() => byteSplit({ bytes: new Uint8Array(7), levels: new Float32Array(256), channels: 1 }, y)).toThrow(/7 bytes are not 2 examples/);
    expect(() => byteSplit({ bytes: new Uint8Array(8), levels: new Float32Array(768), channels: 3 }, y)).toThrow(/8 bytes are not 2 examples of whole 3-channel pixels/);
    expect(() => byteSplit({ bytes: new Uint8Array(3), levels: new Float32Array(256), channels: 1 }, new Int32Array(0))).toThrow(/3 bytes but no labels/);
  });
});
