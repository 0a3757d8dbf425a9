/** A typed array kdlab's `Tile` copies between (float32, int32 or bool tensors on the wasm heap). */
export type TileArray = Float32Array | Int32Array | Uint8Array;

/** Copies `target[start, start + length)` into the following `copies - 1` runs of `length`, doubling each time. */
function repeatRun(target: TileArray, start: number, length: number, copies: number): void {
  const end = start + length * copies;
  let filled = start + length;
  while (filled < end) {
    const chunk = Math.min(filled - start, end - filled);
    target.copyWithin(filled, start, start + chunk);
    filled += chunk;
  }
}

/**
 * Writes `source` (row-major, shape `shape`) tiled `reps[i]` times along each axis `i` into `target`
 * (shape `shape[i] * reps[i]`), as tfjs' `Tile`. Each output block is written once from the input
 * and then repeated with `copyWithin` (whole contiguous runs, doubling), instead of computing every
 * output element's input index as the wasm backend's own kernel does.
 */
export function tileInto(source: TileArray, target: TileArray, shape: readonly number[], reps: readonly number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0]!;
    return;
  }
  const inputStrides = new Array<number>(rank);
  const outputStrides = new Array<number>(rank);
  inputStrides[rank - 1] = 1;
  outputStrides[rank - 1] = 1;
  for (let axis = rank - 2; axis >= 0; axis--) {
    inputStrides[axis] = inputStrides[axis + 1]! * shape[axis + 1]!;
    outputStrides[axis] = outputStrides[axis + 1]! * shape[axis + 1]! * reps[axis + 1]!;
  }
  const last = rank - 1;
  const fill = (axis: number, from: number, to: number): void => {
    const size = shape[axis]!;
    if (axis === last) {
      if (size === 1) target.fill(source[from]!, to, to + reps[axis]!);
      else {
        target.set(source.subarray(from, from + size), to);
        repeatRun(target, to, size, reps[axis]!);
      }
      return;
    }
    for (let index = 0; index < size; index++) fill(axis + 1, from + index * inputStrides[axis]!, to + index * outputStrides[axis]!);
    repeatRun(target, to, size * outputStrides[axis]!, reps[axis]!);
  };
  if (source.length > 0 && target.length > 0) fill(0, 0, 0);
}
