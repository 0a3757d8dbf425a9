import type { ByteInputs, DataSplit } from './dataset.js';

/**
 * A {@link DataSplit} whose inputs are {@link ByteInputs}. Its `x` is decoded from the bytes on first
 * access and kept (the full float copy); kdlab's own readers (the {@link Batcher}, prediction,
 * dataset digests, row gathering) decode only the rows they need through {@link inputRows} and
 * {@link decodeInputRowsInto}, so a training never holds the float copy.
 */
class ByteSplit implements DataSplit {
  readonly y: Int32Array;
  readonly count: number;
  readonly bytes: ByteInputs;
  #x: Float32Array | undefined;

  constructor(bytes: ByteInputs, y: Int32Array) {
    this.bytes = bytes;
    this.y = y;
    this.count = y.length;
  }

  get x(): Float32Array {
    this.#x ??= decodeBytes(this.bytes, 0, this.bytes.bytes.length);
    return this.#x;
  }
}

/**
 * Makes a split whose inputs are held as bytes (see {@link ByteInputs}); one example per label.
 *
 * @param inputs - the bytes, their decoding tables and channels.
 * @param y - the labels; their number is the split's `count`.
 * @throws RangeError when the tables are not `256 * channels` floats, or the bytes are not a whole
 *   number of examples of whole pixels.
 */
export function byteSplit(inputs: ByteInputs, y: Int32Array): DataSplit {
  const { bytes, levels, channels } = inputs;
  if (!Number.isSafeInteger(channels) || channels < 1) throw new RangeError(`byteSplit: channels is ${channels}, expected a positive integer`);
  if (levels.length !== 256 * channels) throw new RangeError(`byteSplit: levels hold ${levels.length} floats; ${channels} channel(s) need ${256 * channels}`);
  if (y.length > 0 && (bytes.length % y.length !== 0 || (bytes.length / y.length) % channels !== 0)) {
    throw new RangeError(`byteSplit: ${bytes.length} bytes are not ${y.length} examples of whole ${channels}-channel pixels`);
  }
  if (y.length === 0 && bytes.length !== 0) throw new RangeError(`byteSplit: ${bytes.length} bytes but no labels`);
  return new ByteSplit(inputs, y);
}

/** The number of input values a split holds (`count * prod(inputShape)`), without decoding byte inputs. */
export function inputValueCount(split: DataSplit): number {
  return split.bytes === undefined ? split.x.length : split.bytes.bytes.length;
}

/**
 * Rows `[start, start + count)` of a split's inputs as floats: a view into `x` for a float split,
 * a fresh decoded array for a byte split.
 *
 * @param split - the examples.
 * @param start - the first row.
 * @param count - how many rows.
 * @param width - values per row (`prod(inputShape)`).
 */
export function inputRows(split: DataSplit, start: number, count: number, width: number): Float32Array {
  if (split.bytes === undefined) return split.x.subarray(start * width, (start + count) * width);
  return decodeBytes(split.bytes, start * width, (start + count) * width);
}

/**
 * Copies row `row` of a split's inputs, as floats, into `out` from `offset` on (the batcher's inner
 * copy: no allocation).
 *
 * @param width - values per row (`prod(inputShape)`).
 */
export function decodeInputRowsInto(split: DataSplit, row: number, width: number, out: Float32Array, offset: number): void {
  const from = row * width;
  const inputs = split.bytes;
  if (inputs === undefined) {
    out.set(split.x.subarray(from, from + width), offset);
    return;
  }
  const { bytes, levels, channels } = inputs;
  if (channels === 1) {
    for (let i = 0; i < width; i++) out[offset + i] = levels[bytes[from + i] as number] as number;
  } else {
    for (let i = 0; i < width; i++) out[offset + i] = levels[(i % channels) * 256 + (bytes[from + i] as number)] as number;
  }
}

/** Decodes values `[from, to)` of byte inputs into a new float array. `from` must start a pixel. */
function decodeBytes(inputs: ByteInputs, from: number, to: number): Float32Array {
  const { bytes, levels, channels } = inputs;
  const out = new Float32Array(to - from);
  if (channels === 1) {
    for (let i = from; i < to; i++) out[i - from] = levels[bytes[i] as number] as number;
  } else {
    for (let i = from; i < to; i++) out[i - from] = levels[((i - from) % channels) * 256 + (bytes[i] as number)] as number;
  }
  return out;
}
