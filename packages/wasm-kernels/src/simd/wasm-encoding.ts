/**
 * A small WebAssembly encoder for kdlab's hand-written SIMD functions: opcodes, LEB128 integers,
 * sections, and a module with one memory import and exported functions. Only what those functions
 * use; every module it makes is checked by `WebAssembly.validate` in the tests.
 */

/** Value types. */
export const I32 = 0x7f;
/** 32-bit float. */
export const F32 = 0x7d;
/** 128-bit vector. */
export const V128 = 0x7b;

/** Core opcodes. */
export const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  select: 0x1b,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Const: 0x43,
  f32Ne: 0x5c,
  f32Gt: 0x5e,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Div: 0x95,
  simd: 0xfd,
} as const;

/** SIMD opcodes (after the 0xfd prefix), as unsigned LEB128. */
export const simd = {
  load: [0x00],
  store: [0x0b],
  f32x4Splat: [0x13],
  f32x4Sqrt: [0xe3, 0x01],
  f32x4Add: [0xe4, 0x01],
  f32x4Mul: [0xe6, 0x01],
  f32x4Div: [0xe7, 0x01],
  f32x4Ne: [0x42],
  f32x4Gt: [0x44],
  v128And: [0x4e],
  v128AndNot: [0x4f],
  v128Bitselect: [0x52],
} as const;

/** Unsigned LEB128. */
export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 (32-bit). */
export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

/** `local.get index`. */
export const get = (index: number): number[] => [op.localGet, ...unsignedLeb(index)];
/** `local.set index`. */
export const set = (index: number): number[] => [op.localSet, ...unsignedLeb(index)];
/** `i32.const value`. */
export const i32 = (value: number): number[] => [op.i32Const, ...signedLeb(value)];
/** A SIMD instruction. */
export const simdOp = (code: readonly number[]): number[] => [op.simd, ...code];
/** `v128.load` of the address on the stack (alignment hint 1 byte: correct for any address). */
export const v128Load = [op.simd, ...simd.load, 0x00, 0x00];
/** `v128.store` to the address under the value on the stack. */
export const v128Store = [op.simd, ...simd.store, 0x00, 0x00];
/** `f32.load` of the address on the stack. */
export const f32Load = [op.f32Load, 0x00, 0x00];
/** `f32.store`. */
export const f32Store = [op.f32Store, 0x00, 0x00];

/**
 * `while (get(counter) < get(limit)) { body; counter += step }` (unsigned compare); `step` is a
 * constant, or `{ local }` to step by a local's value.
 */
export function loopWhileBelow(counter: number, limit: number, step: number | { local: number }, body: number[]): number[] {
  return [
    op.block,
    0x40,
    op.loop,
    0x40,
    ...get(counter),
    ...get(limit),
    op.i32GeU,
    op.brIf,
    0x01,
    ...body,
    ...get(counter),
    ...(typeof step === 'number' ? i32(step) : get(step.local)),
    op.i32Add,
    ...set(counter),
    op.br,
    0x00,
    op.end,
    op.end,
  ];
}

/** One exported function: its parameter types, its extra locals as `[count, type]` runs, its code (without the final `end`). */
export interface WasmFunction {
  /** Exported under this name. */
  name: string;
  /** Parameter types (no results). */
  parameters: number[];
  /** Locals after the parameters, as runs of `[count, type]`. */
  locals: Array<[number, number]>;
  /** The instructions. */
  code: number[];
}

/** A module that imports its memory as `env.memory` and exports the given functions. */
export function moduleBytes(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...unsignedLeb(f.parameters.length), ...f.parameters, 0x00]);
  const bodies = functions.map((f) => {
    const body = [...vector(f.locals.map(([count, type]) => [...unsignedLeb(count), type])), ...f.code, op.end];
    return [...unsignedLeb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vector(functions.map((_, index) => unsignedLeb(index)))),
    ...section(7, vector(functions.map((f, index) => [...name(f.name), 0x00, ...unsignedLeb(index)]))),
    ...section(10, vector(bodies)),
  ]);
}

/**
 * `end = count * 4; simdEnd = (count & ~3) * 4`: the byte bounds of a pass over `count` floats, four
 * lanes at a time up to `simdEnd`, then one at a time.
 */
export function byteBounds(count: number, end: number, simdEnd: number): number[] {
  return [...get(count), ...i32(2), op.i32Shl, ...set(end), ...get(count), ...i32(-4), op.i32And, ...i32(2), op.i32Shl, ...set(simdEnd)];
}
