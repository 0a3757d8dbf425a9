import type { DataSplit } from '@kdlab/core';

/**
 * Labelled examples stored as raw bytes, as they come from a file: example `i` is
 * `pixels[i * exampleBytes, (i + 1) * exampleBytes)` with label `labels[i]`.
 * Splits are decoded from it into floats only for the examples they keep.
 */
export interface ByteImageSet {
  /** Number of examples. */
  readonly count: number;
  /** Bytes per example (`28 * 28` for MNIST, `3 * 32 * 32` for CIFAR). */
  readonly exampleBytes: number;
  /** `count * exampleBytes` pixel bytes in the file's layout. */
  readonly pixels: Uint8Array;
  /** `count` labels. */
  readonly labels: Uint8Array;
}

/**
 * Turns one example's bytes into normalised floats:
 * reads `pixels[sourceOffset, sourceOffset + exampleBytes)` and writes `exampleBytes` floats to
 * `out` from `targetOffset` on (a decoder may reorder them, e.g. CHW planes to HWC).
 */
export type PixelDecoder = (pixels: Uint8Array, sourceOffset: number, out: Float32Array, targetOffset: number) => void;

/**
 * A decoder that maps each byte through a 256-entry table, keeping the layout, for single-channel
 * images of `exampleBytes` bytes.
 */
export function tableDecoder(table: Float32Array, exampleBytes: number): PixelDecoder {
  if (table.length !== 256) throw new Error(`tableDecoder: the table has ${table.length} entries, expected 256`);
  return (pixels, sourceOffset, out, targetOffset) => {
    for (let i = 0; i < exampleBytes; i++) out[targetOffset + i] = table[pixels[sourceOffset + i] as number] as number;
  };
}

/** The table `p -> p / 255` (as float32): pixels scaled to `[0, 1]`. */
export function unitScaleTable(): Float32Array {
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = p / 255;
  return table;
}

/**
 * Decodes the examples at `indices` (in that order) into a new {@link DataSplit}.
 *
 * @param set - the source bytes and labels.
 * @param indices - which examples, in the order the split lists them.
 * @param decode - turns one example's bytes into floats.
 */
export function gatherSplit(set: ByteImageSet, indices: ArrayLike<number>, decode: PixelDecoder): DataSplit {
  const count = indices.length;
  const size = set.exampleBytes;
  const x = new Float32Array(count * size);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const index = indices[k] as number;
    if (!(index >= 0 && index < set.count)) {
      throw new RangeError(`gatherSplit: example index ${index} is outside [0, ${set.count})`);
    }
    decode(set.pixels, index * size, x, k * size);
    y[k] = set.labels[index] as number;
  }
  return { x, y, count };
}
