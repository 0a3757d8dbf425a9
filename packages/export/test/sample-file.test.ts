import { describe, expect, it } from 'vitest';
import { decodeSampleFile, encodeSampleFile, SampleFileError, type SampleSet } from '@kdlab/export';

function digits(count: number): SampleSet {
  // Pixel-like values (p / 255 rounded to three decimals, as mnist-10k stores them): at most 256 distinct.
  const x = new Float32Array(count * 4 * 4).map((_, i) => Math.round(((i * 37) % 256) / 255 * 1000) / 1000);
  const y = Int32Array.from({ length: count }, (_, i) => i % 3);
  return { x, y, count, inputShape: [4, 4, 1], numClasses: 3, classNames: ['zero', 'one', 'zwei'], source: { dataset: 'toy', split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 7, testCount: 10 } };
}

function bits(x: Float32Array): number[] {
  return [...new Uint32Array(x.buffer, x.byteOffset, x.length)];
}

describe('encodeSampleFile and decodeSampleFile', () => {
  it('round-trip pixel data bit for bit as one-byte codes into a table, with labels, shape, classes and source', () => {
    const samples = digits(10);
    const bytes = encodeSampleFile(samples);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(4, true)))) as { encoding: string; tableSize: number };
    expect(header.encoding).toBe('table8');
    expect((8 + new DataView(bytes.buffer).getUint32(4, true)) % 4).toBe(0);
    // Header, a table of at most 256 floats, one byte per value, one int32 per label.
    expect(bytes.length).toBeLessThan(8 + 400 + header.tableSize * 4 + 160 + 40 + 4);
    const back = decodeSampleFile(bytes);
    expect(bits(back.x)).toEqual(bits(samples.x));
    expect([...back.y]).toEqual([...samples.y]);
    expect(back).toMatchObject({ count: 10, inputShape: [4, 4, 1], numClasses: 3, classNames: ['zero', 'one', 'zwei'], source: samples.source });
  });

  it('store inputs with more than 256 distinct values as float32, exactly (negative zero, tiny and huge values included)', () => {
    const x = new Float32Array(300).map((_, i) => (i - 150) * 1.37e-3);
    x[0] = -0;
    x[1] = 3.4e38;
    x[2] = 1e-45;
    const samples: SampleSet = { x, y: new Int32Array([0, 1, 0]), count: 3, inputShape: [100], numClasses: 2, classNames: ['a', 'b'] };
    const back = decodeSampleFile(encodeSampleFile(samples));
    expect(bits(back.x)).toEqual(bits(x));
    expect(Object.is(back.x[0], -0)).toBe(true);
    expect(back.source).toBeUndefined();
  });

  it('pad a header with multi-byte class names to a multiple of 4 bytes', () => {
    for (const name of ['é', 'ü€', '数字', 'a']) {
      const samples = { ...digits(2), classNames: [name, 'b', 'c'] };
      const bytes = encodeSampleFile(samples);
      expect((8 + new DataView(bytes.buffer).getUint32(4, true)) % 4).toBe(0);
      expect(decodeSampleFile(bytes).classNames[0]).toBe(name);
    }
  });

  it('reject what is not a samples file, or is truncated, too long or out of range, naming the file', () => {
    const good = encodeSampleFile(digits(3));
    expect(() => decodeSampleFile(new TextEncoder().encode('<html>not this</html>'), 'samples.bin')).toThrow(/^samples\.bin is not a kdlab samples file/);
    expect(() => decodeSampleFile(good.subarray(0, good.length - 1), 'samples.bin')).toThrow(/samples\.bin has \d+ bytes; .* needs \d+: it is truncated/);
    expect(() => decodeSampleFile(new Uint8Array([...good, 0, 0, 0, 0]), 'samples.bin')).toThrow(SampleFileError);
    const badLabel = good.slice();
    new DataView(badLabel.buffer).setInt32(badLabel.length - 4, 3, true);
    expect(() => decodeSampleFile(badLabel, 'samples.bin')).toThrow('samples.bin holds label 3 for example 2, outside [0, 3).');
  });

  it('refuse to encode arrays that do not match the count and shape', () => {
    expect(() => encodeSampleFile({ ...digits(2), count: 3 })).toThrow(/3 examples of shape \[4, 4, 1\] need 48/);
  });
});
