import type { ByteImageSet, PixelDecoding } from './byte-image-set.js';
import { DataFileError } from './data-file-error.js';

/** Pixels of one CIFAR image: 3 planes (red, green, blue) of 32 x 32 bytes. */
export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;

/** The record layout of a CIFAR binary file. */
export interface CifarLayout {
  /** Label bytes before the pixels: 1 for CIFAR-10 (the label), 2 for CIFAR-100 (coarse, then fine). */
  readonly labelBytes: 1 | 2;
  /** The number of classes of the label kept (the last label byte): 10 or 100 (fine). */
  readonly numClasses: number;
  /** For CIFAR-100, the number of coarse classes (20): the first label byte must be below it. */
  readonly numCoarseClasses?: number;
}

/** CIFAR-10: a label byte then 3072 pixel bytes per record. */
export const CIFAR10_LAYOUT: CifarLayout = { labelBytes: 1, numClasses: 10 };
/** CIFAR-100: a coarse and a fine label byte then 3072 pixel bytes per record; the fine label is kept. */
export const CIFAR100_LAYOUT: CifarLayout = { labelBytes: 2, numClasses: 100, numCoarseClasses: 20 };

/** A CIFAR file's name and bytes. */
export interface CifarFile {
  /** The path (or `archive:member`), for error messages. */
  readonly file: string;
  /** The file's bytes. */
  readonly bytes: Uint8Array;
}

/**
 * Reads CIFAR binary batch files (records of label byte(s) then 1024 red, 1024 green and 1024 blue
 * bytes, each plane row-major) into one {@link ByteImageSet}, files in the given order, pixels kept
 * in the file's CHW layout. A file whose length is not a whole number of records, or a label out of
 * range, is a {@link DataFileError} naming the file.
 */
export function readCifarBatches(files: readonly CifarFile[], layout: CifarLayout): ByteImageSet {
  const recordBytes = layout.labelBytes + CIFAR_IMAGE_BYTES;
  let count = 0;
  for (const { file, bytes } of files) {
    if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
      throw new DataFileError(
        file,
        `is ${bytes.length} bytes long, not a whole number of ${recordBytes}-byte CIFAR records (${layout.labelBytes} label byte(s) + ${CIFAR_IMAGE_BYTES} pixels)`,
      );
    }
    count += bytes.length / recordBytes;
  }
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let example = 0;
  for (const { file, bytes } of files) {
    for (let record = 0; record * recordBytes < bytes.length; record++, example++) {
      const start = record * recordBytes;
      if (layout.numCoarseClasses !== undefined && (bytes[start] as number) >= layout.numCoarseClasses) {
        throw new DataFileError(file, `record ${record} has coarse label ${bytes[start]}, not below ${layout.numCoarseClasses}`);
      }
      const label = bytes[start + layout.labelBytes - 1] as number;
      if (label >= layout.numClasses) {
        throw new DataFileError(file, `record ${record} has label ${label}, not below the number of classes (${layout.numClasses})`);
      }
      labels[example] = label;
      pixels.set(bytes.subarray(start + layout.labelBytes, start + recordBytes), example * CIFAR_IMAGE_BYTES);
    }
  }
  return { count, exampleBytes: CIFAR_IMAGE_BYTES, pixels, labels };
}

/** Per-channel mean and standard deviation of pixel values scaled to `[0, 1]`, in RGB order. */
export interface ChannelStats {
  /** Mean of each channel. */
  readonly mean: readonly [number, number, number];
  /** Standard deviation of each channel. */
  readonly std: readonly [number, number, number];
}

/** The CIFAR-10 training set's per-channel statistics (over all 50,000 images, pixels / 255). */
export const CIFAR10_CHANNEL_STATS: ChannelStats = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
/** The CIFAR-100 training set's per-channel statistics (over all 50,000 images, pixels / 255). */
export const CIFAR100_CHANNEL_STATS: ChannelStats = { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] };

/**
 * The decoding of CIFAR's CHW bytes into normalised HWC inputs (`[32, 32, 3]`, row-major, channels
 * last): the bytes are reordered to HWC, and channel `c` of pixel `(row, column)` decodes to
 * `(p / 255 - mean[c]) / std[c]`, with `p` the byte at `c * 1024 + row * 32 + column` of the record's pixels.
 */
export function cifarDecoding(stats: ChannelStats): PixelDecoding {
  const levels = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < 256; p++) levels[c * 256 + p] = (p / 255 - (stats.mean[c] as number)) / (stats.std[c] as number);
  }
  const plane = 32 * 32;
  const reorder = (pixels: Uint8Array, sourceOffset: number, out: Uint8Array, targetOffset: number): void => {
    for (let c = 0; c < 3; c++) {
      const from = sourceOffset + c * plane;
      for (let i = 0; i < plane; i++) out[targetOffset + i * 3 + c] = pixels[from + i] as number;
    }
  };
  return { levels, channels: 3, reorder };
}
