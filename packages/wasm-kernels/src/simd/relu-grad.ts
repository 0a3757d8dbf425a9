import { instantiateExport } from './instantiate-module.js';
import type { WasmMemory } from './webassembly-api.js';
import { byteBounds, get, I32, i32, loopWhileBelow, moduleBytes, op, set, simd, simdOp, f32Load, f32Store, v128Load, v128Store, V128 } from './wasm-encoding.js';

/** Parameters: byte offsets of dx, dy and x, then the element count. */
const P = { dx: 0, dy: 1, x: 2, count: 3 } as const;
/** Locals: the byte cursor, the end of the SIMD part, the end, splats of 1 and 0. */
const L = { offset: 4, simdEnd: 5, end: 6, ones: 7, zeros: 8 } as const;

const at = (base: number): number[] => [...get(base), ...get(L.offset), op.i32Add];
const F32_ONE = [op.f32Const, 0x00, 0x00, 0x80, 0x3f];
const F32_ZERO = [op.f32Const, 0x00, 0x00, 0x00, 0x00];

/**
 * The module's bytes: `reluGrad(dx, dy, x, count)` sets `dx = dy * step(x)`, `step(x) = x > 0 ? 1 : 0`
 * and NaN for NaN (tfjs-wasm's `Step`), as one pass where tfjs runs `Step` and then `Multiply`; the
 * product is the same float32 multiplication, so the result is bit-identical (signed zeros and NaN
 * included).
 */
export function reluGradModuleBytes(): Uint8Array {
  const x = [...at(P.x)];
  // step = x > 0 ? 1 : 0, then NaN where x is NaN (x != x selects x itself)
  const laneStep = [...x, ...v128Load, ...get(L.ones), ...x, ...v128Load, ...get(L.zeros), ...simdOp(simd.f32x4Gt), ...simdOp(simd.v128And), ...x, ...v128Load, ...x, ...v128Load, ...simdOp(simd.f32x4Ne), ...simdOp(simd.v128Bitselect)];
  const scalarStep = [...x, ...f32Load, ...F32_ONE, ...F32_ZERO, ...x, ...f32Load, ...F32_ZERO, op.f32Gt, op.select, ...x, ...f32Load, ...x, ...f32Load, op.f32Ne, op.select];
  const lanes = [...at(P.dx), ...at(P.dy), ...v128Load, ...laneStep, ...simdOp(simd.f32x4Mul), ...v128Store];
  const scalar = [...at(P.dx), ...at(P.dy), ...f32Load, ...scalarStep, op.f32Mul, ...f32Store];
  const code = [
    ...byteBounds(P.count, L.end, L.simdEnd),
    ...F32_ONE,
    ...simdOp(simd.f32x4Splat),
    ...set(L.ones),
    ...F32_ZERO,
    ...simdOp(simd.f32x4Splat),
    ...set(L.zeros),
    ...i32(0),
    ...set(L.offset),
    ...loopWhileBelow(L.offset, L.simdEnd, 16, lanes),
    ...loopWhileBelow(L.offset, L.end, 4, scalar),
  ];
  return moduleBytes([{ name: 'reluGrad', parameters: [I32, I32, I32, I32], locals: [[3, I32], [2, V128]], code }]);
}

/** ReLU's gradient by the SIMD function above, on float32 data in `memory`. */
export class ReluGradSimd {
  private readonly reluGrad: (dx: number, dy: number, x: number, count: number) => void;

  /** @param memory the memory the offsets point into */
  constructor(memory: WasmMemory) {
    this.reluGrad = instantiateExport<ReluGradSimd['reluGrad']>(reluGradModuleBytes, memory, 'reluGrad');
  }

  /** `dx = dy * step(x)` over `count` floats at the given byte offsets. */
  run(dx: number, dy: number, x: number, count: number): void {
    this.reluGrad(dx, dy, x, count);
  }
}
