import { DataFileError } from './data-file-error.js';

/** Magic number of an idx file of unsigned bytes with 3 dimensions (images: count, rows, columns). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an idx file of unsigned bytes with 1 dimension (labels: count). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** The images of an idx3-ubyte file: `count` images of `rows * columns` bytes, row-major. */
export interface IdxImages {
  /** Number of images. */
  readonly count: number;
  /** Rows of one image. */
  readonly rows: number;
  /** Columns of one image. */
  readonly columns: number;
  /** `count * rows * columns` pixel bytes (a view into the file's bytes, no copy). */
  readonly pixels: Uint8Array;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function readHeader(file: string, bytes: Uint8Array, magic: number, dimensions: number, kind: string): number[] {
  const headerBytes = 4 + 4 * dimensions;
  if (bytes.length < headerBytes) {
    throw new DataFileError(file, `is ${bytes.length} bytes long, too short for the ${headerBytes}-byte header of idx ${kind}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw new DataFileError(file, `magic number is ${hex(found)}, expected ${hex(magic)} (idx ${kind})`);
  }
  const sizes: number[] = [];
  for (let d = 0; d < dimensions; d++) sizes.push(view.getUint32(4 + 4 * d, false));
  return sizes;
}

function checkLength(file: string, bytes: Uint8Array, headerBytes: number, sizes: number[], names: string): void {
  const expected = headerBytes + sizes.reduce((product, size) => product * size, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'longer than its header says';
    throw new DataFileError(
      file,
      `is ${what}: header says ${names} = ${sizes.join(' x ')}, so ${expected} bytes, but the file has ${bytes.length}`,
    );
  }
}

/**
 * Parses an idx3-ubyte image file (the MNIST / Fashion-MNIST format): big-endian magic
 * {@link IDX_IMAGES_MAGIC}, then count, rows and columns as big-endian uint32, then the pixels.
 * The byte length must match the header exactly; anything else is a {@link DataFileError} naming `file`.
 *
 * @param file - the file's path, for error messages.
 * @param bytes - the file's (decompressed) bytes.
 */
export function parseIdxImages(file: string, bytes: Uint8Array): IdxImages {
  const sizes = readHeader(file, bytes, IDX_IMAGES_MAGIC, 3, 'images, unsigned bytes, 3 dimensions');
  const [count, rows, columns] = sizes as [number, number, number];
  checkLength(file, bytes, 16, sizes, 'count x rows x columns');
  return { count, rows, columns, pixels: bytes.subarray(16) };
}

/**
 * Parses an idx1-ubyte label file: big-endian magic {@link IDX_LABELS_MAGIC}, the count as
 * big-endian uint32, then one byte per label. The byte length must match the count exactly, and
 * every label must be below `numClasses`; anything else is a {@link DataFileError} naming `file`.
 *
 * @param file - the file's path, for error messages.
 * @param bytes - the file's (decompressed) bytes.
 * @param numClasses - labels must lie in `[0, numClasses)`.
 * @returns the labels (a view into `bytes`, no copy).
 */
export function parseIdxLabels(file: string, bytes: Uint8Array, numClasses: number): Uint8Array {
  const sizes = readHeader(file, bytes, IDX_LABELS_MAGIC, 1, 'labels, unsigned bytes, 1 dimension');
  checkLength(file, bytes, 8, sizes, 'count');
  const labels = bytes.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label >= numClasses) {
      throw new DataFileError(file, `label ${label} at index ${i} is not below the number of classes (${numClasses})`);
    }
  }
  return labels;
}
