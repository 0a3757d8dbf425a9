import { instantiateExport } from './instantiate-module.js';
import type { WasmMemory } from './webassembly-api.js';
import { get, I32, i32, loopWhileBelow, moduleBytes, op, set, simd, simdOp, v128Load, v128Store, V128 } from './wasm-encoding.js';

/** Parameters: byte offsets of dx, x and dy at the start of one output row, the windows in it, a pixel's and an input row's bytes. */
const P = { dx: 0, x: 1, dy: 2, windows: 3, pixelBytes: 4, rowBytes: 5 } as const;
/** Locals: window counter, lane cursor, the window's byte offset in x/dx and in dy, then vectors. */
const L = { window: 6, lane: 7, windowOffset: 8, gradientOffset: 9, below: 10, belowRight: 11, best: 12, ma: 13, mb: 14, mc: 15, md: 16, g: 17 } as const;

/** Address `base + windowOffset + corner + lane` (corner: a local holding 0, pixelBytes, rowBytes or both). */
const at = (base: number, corner?: number): number[] => [...get(base), ...get(L.windowOffset), op.i32Add, ...(corner === undefined ? [] : [...get(corner), op.i32Add]), ...get(L.lane), op.i32Add];
const NEGATIVE_INFINITY = [op.f32Const, 0x00, 0x00, 0x80, 0xff];
const gt = simdOp(simd.f32x4Gt);
const and = simdOp(simd.v128And);
const andNot = simdOp(simd.v128AndNot);
const bitselect = simdOp(simd.v128Bitselect);

/** The window's pixels in row-major order: the local holding the byte offset from the top left (none for it) and the local of its mask. */
const CORNERS: ReadonlyArray<{ offset: number | undefined; mask: number }> = [
  { offset: undefined, mask: L.ma },
  { offset: P.pixelBytes, mask: L.mb },
  { offset: P.rowBytes, mask: L.mc },
  { offset: L.belowRight, mask: L.md },
];

/** `m = v > best; best = m ? v : best` for the value at `address`. */
function challenge(address: number[], mask: number): number[] {
  return [...address, ...v128Load, ...get(L.best), ...gt, ...set(mask), ...address, ...v128Load, ...get(L.best), ...get(mask), ...bitselect, ...set(L.best)];
}

/**
 * The module's bytes: `maxPoolGrad2x2Row(dx, x, dy, windows, pixelBytes, rowBytes)` routes one output
 * row of a 2x2, stride-2, unpadded max pool's gradient: for each window and four channels at a time,
 * the gradient goes to the first maximum in row-major order (a later value wins only when strictly
 * greater; NaN never wins: the cpu kernel's rule), the window's other three pixels get 0. Every pixel
 * of the covered rows is written.
 */
export function maxPoolGrad2x2ModuleBytes(): Uint8Array {
  const topLeft = at(P.x);
  const topRight = at(P.x, P.pixelBytes);
  const bottomLeft = at(P.x, P.rowBytes);
  const bottomRight = at(P.x, L.belowRight);
  const lanes = [
    ...NEGATIVE_INFINITY,
    ...simdOp(simd.f32x4Splat),
    ...set(L.best),
    ...challenge(topLeft, L.ma),
    ...challenge(topRight, L.mb),
    ...challenge(bottomLeft, L.mc),
    ...bottomRight,
    ...v128Load,
    ...get(L.best),
    ...gt,
    ...set(L.md),
    ...get(P.dy),
    ...get(L.gradientOffset),
    op.i32Add,
    ...get(L.lane),
    op.i32Add,
    ...v128Load,
    ...set(L.g),
    // dx = g where this corner won: the last challenger that beat the best so far
    ...CORNERS.flatMap((corner, k) => [
      ...at(P.dx, corner.offset),
      ...get(L.g),
      ...get(corner.mask),
      ...CORNERS.slice(k + 1).flatMap((later) => [...get(later.mask), ...andNot]),
      ...and,
      ...v128Store,
    ]),
  ];
  const code = [
    ...get(P.rowBytes),
    ...get(P.pixelBytes),
    op.i32Add,
    ...set(L.belowRight),
    ...i32(0),
    ...set(L.window),
    ...i32(0),
    ...set(L.windowOffset),
    ...i32(0),
    ...set(L.gradientOffset),
    ...loopWhileBelow(L.window, P.windows, 1, [
      ...i32(0),
      ...set(L.lane),
      ...loopWhileBelow(L.lane, P.pixelBytes, 16, lanes),
      // next window: two pixels on in x and dx, one in dy
      ...get(L.windowOffset),
      ...get(P.pixelBytes),
      ...i32(1),
      op.i32Shl,
      op.i32Add,
      ...set(L.windowOffset),
      ...get(L.gradientOffset),
      ...get(P.pixelBytes),
      op.i32Add,
      ...set(L.gradientOffset),
    ]),
  ];
  return moduleBytes([{ name: 'maxPoolGrad2x2Row', parameters: [I32, I32, I32, I32, I32, I32], locals: [[6, I32], [6, V128]], code }]);
}

/** The 2x2 max-pool gradient by the SIMD function above, on float32 NHWC tensors in `memory`. */
export class MaxPoolGrad2x2Simd {
  private readonly row: (dx: number, x: number, dy: number, windows: number, pixelBytes: number, rowBytes: number) => void;

  /** @param memory the memory the offsets point into */
  constructor(memory: WasmMemory) {
    this.row = instantiateExport<MaxPoolGrad2x2Simd['row']>(maxPoolGrad2x2ModuleBytes, memory, 'maxPoolGrad2x2Row');
  }

  /**
   * `dx` for `x` `[batch, height, width, channels]` (channels a multiple of 4) and `dy`
   * `[batch, floor(height / 2), floor(width / 2), channels]`, all byte offsets; rows and columns a
   * window does not cover (an odd last one) are left as they are.
   */
  run(dx: number, x: number, dy: number, [batch, height, width, channels]: readonly number[]): void {
    const pixelBytes = channels! * 4;
    const rowBytes = width! * pixelBytes;
    const outHeight = Math.floor(height! / 2);
    const outWidth = Math.floor(width! / 2);
    for (let n = 0; n < batch!; n++) {
      for (let outRow = 0; outRow < outHeight; outRow++) {
        const inputRow = (n * height! + 2 * outRow) * rowBytes;
        const gradientRow = (n * outHeight + outRow) * outWidth * pixelBytes;
        this.row(dx + inputRow, x + inputRow, dy + gradientRow, outWidth, pixelBytes, rowBytes);
      }
    }
  }
}
