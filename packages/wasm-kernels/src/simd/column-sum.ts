import { instantiateExport } from './instantiate-module.js';
import type { WasmMemory } from './webassembly-api.js';
import { byteBounds, get, I32, i32, loopWhileBelow, moduleBytes, op, set, simd, simdOp, f32Load, f32Store, v128Load, v128Store } from './wasm-encoding.js';

/** Parameters: byte offsets of the output and input, then the row and column counts. */
const P = { out: 0, x: 1, rows: 2, columns: 3 } as const;
/** Locals: the column cursor (bytes), a row's bytes, the SIMD part of a row, the row cursor, the end. */
const L = { column: 4, rowBytes: 5, simdBytes: 6, row: 7, end: 8 } as const;

const outAt = [...get(P.out), ...get(L.column), op.i32Add];
const xAt = [...get(P.x), ...get(L.row), op.i32Add, ...get(L.column), op.i32Add];

/**
 * The module's bytes: `columnSum(out, x, rows, columns)` sets `out[c] = 0 + x[0, c] + x[1, c] + ...`
 * (float32, rows added in ascending order, each sum rounded as it goes: the order of tfjs-wasm's `Sum`
 * after its transpose, so the results are bit-identical), four columns at a time.
 */
export function columnSumModuleBytes(): Uint8Array {
  const addRow = (lanes: boolean): number[] =>
    lanes
      ? [...outAt, ...outAt, ...v128Load, ...xAt, ...v128Load, ...simdOp(simd.f32x4Add), ...v128Store]
      : [...outAt, ...outAt, ...f32Load, ...xAt, ...f32Load, op.f32Add, ...f32Store];
  const code = [
    ...byteBounds(P.columns, L.rowBytes, L.simdBytes),
    // out = 0
    ...i32(0),
    ...set(L.column),
    ...loopWhileBelow(L.column, L.rowBytes, 4, [...outAt, op.f32Const, 0, 0, 0, 0, ...f32Store]),
    // end = rows * rowBytes; for each row: out += x[row]
    ...get(P.rows),
    ...get(L.rowBytes),
    op.i32Mul,
    ...set(L.end),
    ...i32(0),
    ...set(L.row),
    ...loopWhileBelow(L.row, L.end, { local: L.rowBytes }, [
      ...i32(0),
      ...set(L.column),
      ...loopWhileBelow(L.column, L.simdBytes, 16, addRow(true)),
      ...loopWhileBelow(L.column, L.rowBytes, 4, addRow(false)),
    ]),
  ];
  return moduleBytes([{ name: 'columnSum', parameters: [I32, I32, I32, I32], locals: [[5, I32]], code }]);
}

/** Column sums of float32 matrices that lie in `memory`, by the SIMD function above. */
export class ColumnSumSimd {
  private readonly columnSum: (out: number, x: number, rows: number, columns: number) => void;

  /** @param memory the memory the offsets point into */
  constructor(memory: WasmMemory) {
    this.columnSum = instantiateExport<ColumnSumSimd['columnSum']>(columnSumModuleBytes, memory, 'columnSum');
  }

  /** `out[c] = sum over r of x[r, c]` for a `[rows, columns]` matrix at byte offset `x`, into `columns` floats at `out`. */
  sum(out: number, x: number, rows: number, columns: number): void {
    this.columnSum(out, x, rows, columns);
  }
}
