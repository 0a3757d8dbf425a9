/** Draws uniform numbers in `[0, 1)`. */
export type UniformSource = () => number;

/**
 * Shifts each image of a batch in place by a random whole number of pixels, between `-maxShift` and
 * `maxShift` along rows and along columns (drawn independently per image, rows first), filling what
 * the shift uncovers with zeros. Images are row-major `[rows, columns, channels]`.
 *
 * A positive shift moves the content down (rows) or right (columns): output pixel `(r, c)` takes input
 * pixel `(r - dy, c - dx)`.
 *
 * @param x - `count * rows * columns * channels` floats, changed in place.
 * @param count - images in the batch.
 * @param shape - `[rows, columns, channels]` of one image.
 * @param maxShift - the largest shift along each axis.
 * @param uniform - the random source (seeded by the caller).
 * @param scratch - a buffer of at least one image, reused between calls.
 */
export function randomTranslate(x: Float32Array, count: number, shape: readonly [number, number, number], maxShift: number, uniform: UniformSource, scratch: Float32Array): void {
  const [rows, columns, channels] = shape;
  const size = rows * columns * channels;
  if (x.length < count * size) throw new RangeError(`randomTranslate: ${count} images of [${shape.join(', ')}] need ${count * size} floats, x holds ${x.length}`);
  if (scratch.length < size) throw new RangeError(`randomTranslate: the scratch buffer holds ${scratch.length} floats, one image needs ${size}`);
  const span = 2 * maxShift + 1;
  const rowStride = columns * channels;
  for (let image = 0; image < count; image++) {
    const dy = Math.floor(uniform() * span) - maxShift;
    const dx = Math.floor(uniform() * span) - maxShift;
    if (dy === 0 && dx === 0) continue;
    const base = image * size;
    scratch.set(x.subarray(base, base + size));
    x.fill(0, base, base + size);
    const rowFrom = Math.max(0, dy);
    const rowTo = Math.min(rows, rows + dy);
    const columnFrom = Math.max(0, dx);
    const columnTo = Math.min(columns, columns + dx);
    if (columnTo <= columnFrom) continue;
    const length = (columnTo - columnFrom) * channels;
    for (let r = rowFrom; r < rowTo; r++) {
      const target = base + r * rowStride + columnFrom * channels;
      const source = (r - dy) * rowStride + (columnFrom - dx) * channels;
      x.set(scratch.subarray(source, source + length), target);
    }
  }
}
