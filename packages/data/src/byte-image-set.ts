import { byteSplit, type DataSplit } from '@kdlab/core';

/**
 * Labelled examples stored as raw bytes, as they come from a file: example `i` is
 * `pixels[i * exampleBytes, (i + 1) * exampleBytes)` with label `labels[i]`.
 * Splits keep the bytes of the examples they hold, decoded into floats row by row when read.
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
 * How a dataset's bytes become normalised inputs: a 256-entry table per channel (so a split keeps
 * its pixels as bytes, see `@kdlab/core`'s `ByteInputs`), and, for files that store an image in
 * another layout than kdlab's channels-last one, how to reorder one example's bytes.
 */
export interface PixelDecoding {
  /** `256 * channels` floats: channel `c`'s value of byte `p` is `levels[c * 256 + p]`. */
  readonly levels: Float32Array;
  /** Channels per pixel (1 for greyscale, 3 for RGB). */
  readonly channels: number;
  /**
   * Copies one example's `exampleBytes` bytes from `pixels` at `sourceOffset` into `out` at
   * `targetOffset` in kdlab's layout (row-major, channels last), e.g. CHW planes to HWC. Absent: the
   * file's layout is kdlab's, and bytes are copied as they are.
   */
  readonly reorder?: (pixels: Uint8Array, sourceOffset: number, out: Uint8Array, targetOffset: number) => void;
}

/** A single-channel decoding that maps each byte through a 256-entry table, keeping the layout. */
export function tableDecoding(table: Float32Array): PixelDecoding {
  if (table.length !== 256) throw new Error(`tableDecoding: the table has ${table.length} entries, expected 256`);
  return { levels: table, channels: 1 };
}

/** The table `p -> p / 255` (as float32): pixels scaled to `[0, 1]`. */
export function unitScaleTable(): Float32Array {
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = p / 255;
  return table;
}

/**
 * Gathers the examples at `indices` (in that order) into a new {@link DataSplit} that keeps their
 * bytes (`@kdlab/core`'s `byteSplit`): its inputs decode through `decoding`'s tables when read.
 *
 * @param set - the source bytes and labels.
 * @param indices - which examples, in the order the split lists them.
 * @param decoding - the tables, and the reordering of a file layout that is not channels-last.
 */
export function gatherSplit(set: ByteImageSet, indices: ArrayLike<number>, decoding: PixelDecoding): DataSplit {
  const count = indices.length;
  const size = set.exampleBytes;
  const bytes = new Uint8Array(count * size);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const index = indices[k] as number;
    if (!(index >= 0 && index < set.count)) {
      throw new RangeError(`gatherSplit: example index ${index} is outside [0, ${set.count})`);
    }
    if (decoding.reorder === undefined) bytes.set(set.pixels.subarray(index * size, (index + 1) * size), k * size);
    else decoding.reorder(set.pixels, index * size, bytes, k * size);
    y[k] = set.labels[index] as number;
  }
  return byteSplit({ bytes, levels: decoding.levels, channels: decoding.channels }, y);
}
