import { instantiateExport } from './instantiate-module.js';
import type { WasmMemory } from './webassembly-api.js';
import { get, I32, i32, loopWhileBelow, moduleBytes, op, set, simd, simdOp, f32Load, v128Load, v128Store, V128 } from './wasm-encoding.js';

/** Parameters: byte offsets of the accumulator tile, of x's first row and of y's first row; rows; the three row strides in bytes. */
const P = { acc: 0, x: 1, y: 2, rows: 3, xStride: 4, yStride: 5, accStride: 6 } as const;
/** Locals: the row counter, then the 8 accumulators, 2 y vectors and a splat. */
const L = { row: 7, acc0: 8, y0: 16, y1: 17, splat: 18 } as const;
const ROWS = 4;
const VECTORS = 2;
const accLocal = (i: number, j: number): number => L.acc0 + i * VECTORS + j;

/** Address of accumulator row `i`, vector `j`. */
const accAddress = (i: number, j: number): number[] => [...get(P.acc), ...i32(i), ...get(P.accStride), op.i32Mul, op.i32Add, ...(j === 0 ? [] : [...i32(16 * j), op.i32Add])];

/**
 * The module's bytes: `outerProductTile(acc, x, y, rows, xStride, yStride, accStride)` adds
 * `sum over r of x[r, 0..3]^T y[r, 0..7]` into the 4x8 float32 tile at `acc` (rows `accStride` bytes
 * apart): the register-blocked inner loop of a weight gradient `X^T Y` over many rows, 8 vector
 * accumulators held in locals for all `rows`, each step one splat per x value and two y loads.
 */
export function outerProductTileModuleBytes(): Uint8Array {
  const loadAcc: number[] = [];
  const storeAcc: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < VECTORS; j++) {
      loadAcc.push(...accAddress(i, j), ...v128Load, ...set(accLocal(i, j)));
      storeAcc.push(...accAddress(i, j), ...get(accLocal(i, j)), ...v128Store);
    }
  }
  const step: number[] = [...get(P.y), ...v128Load, ...set(L.y0), ...get(P.y), ...i32(16), op.i32Add, ...v128Load, ...set(L.y1)];
  for (let i = 0; i < ROWS; i++) {
    step.push(...get(P.x), ...(i === 0 ? [] : [...i32(4 * i), op.i32Add]), ...f32Load, ...simdOp(simd.f32x4Splat), ...set(L.splat));
    for (let j = 0; j < VECTORS; j++) {
      step.push(...get(accLocal(i, j)), ...get(L.splat), ...get(j === 0 ? L.y0 : L.y1), ...simdOp(simd.f32x4Mul), ...simdOp(simd.f32x4Add), ...set(accLocal(i, j)));
    }
  }
  step.push(...get(P.x), ...get(P.xStride), op.i32Add, ...set(P.x), ...get(P.y), ...get(P.yStride), op.i32Add, ...set(P.y));
  const code = [
    ...loadAcc,
    ...i32(0),
    ...set(L.row),
    ...loopWhileBelow(L.row, P.rows, 1, step),
    ...storeAcc,
  ];
  return moduleBytes([{ name: 'outerProductTile', parameters: [I32, I32, I32, I32, I32, I32, I32], locals: [[1, I32], [ROWS * VECTORS + 3, V128]], code }]);
}

/** The 4x8 outer-product tile function above, on data in `memory`. */
export class OuterProductTileSimd {
  /** Rows of x per tile (input channels). */
  static readonly ROWS = ROWS;
  /** Columns of y per tile (output channels). */
  static readonly COLUMNS = 4 * VECTORS;
  private readonly tile: (acc: number, x: number, y: number, rows: number, xStride: number, yStride: number, accStride: number) => void;

  /** @param memory the memory the offsets point into */
  constructor(memory: WasmMemory) {
    this.tile = instantiateExport<OuterProductTileSimd['tile']>(outerProductTileModuleBytes, memory, 'outerProductTile');
  }

  /** Adds `x[r, 0..3]^T y[r, 0..7]` over `rows` rows into the tile at `acc` (byte offsets and strides). */
  add(acc: number, x: number, y: number, rows: number, xStride: number, yStride: number, accStride: number): void {
    this.tile(acc, x, y, rows, xStride, yStride, accStride);
  }
}
