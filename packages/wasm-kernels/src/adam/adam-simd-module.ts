import { webAssembly, type WasmMemory, type WasmModule } from './webassembly-api.js';

/**
 * A tiny WebAssembly module, encoded here byte by byte, with one function: Adam's update of one
 * variable in a single pass over its memory, four lanes at a time (128-bit SIMD), then a scalar
 * tail. Every operation is the float32 operation tfjs' `AdamOptimizer` runs as a separate kernel,
 * in the same order, so the results are bit-identical to tfjs' Adam (each float32 `+ - * / sqrt` is
 * correctly rounded, whichever engine runs it).
 *
 * The function's signature (offsets are byte offsets into the memory, `count` is elements):
 * `adam(valueOut, firstOut, secondOut, value, gradient, first, second, count,
 *        beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate)`
 *
 * Per element, with `f` rounding to float32 after each operation:
 * ```
 * first'  = f(first * beta1) + f(gradient * oneMinusBeta1)
 * second' = f(second * beta2) + f(f(gradient * gradient) * oneMinusBeta2)
 * value'  = f(f(f(first' / oneMinusAccBeta1) / f(sqrt(f(second' / oneMinusAccBeta2)) + epsilon)) * negLearningRate) + value
 * ```
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Parameter indices of the exported function. */
const P = {
  valueOut: 0,
  firstOut: 1,
  secondOut: 2,
  value: 3,
  gradient: 4,
  first: 5,
  second: 6,
  count: 7,
  beta1: 8,
  oneMinusBeta1: 9,
  beta2: 10,
  oneMinusBeta2: 11,
  oneMinusAccBeta1: 12,
  oneMinusAccBeta2: 13,
  epsilon: 14,
  negLearningRate: 15,
} as const;
const PARAMETER_COUNT = 16;
const SCALARS = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLearningRate'] as const;
type ScalarName = (typeof SCALARS)[number];

/** Locals after the parameters: the byte cursor, the end of the SIMD part, the end, one splat per scalar, two temporaries. */
const L = {
  offset: PARAMETER_COUNT,
  simdEnd: PARAMETER_COUNT + 1,
  end: PARAMETER_COUNT + 2,
  splat0: PARAMETER_COUNT + 3, // + index in SCALARS
  newFirst: PARAMETER_COUNT + 3 + SCALARS.length,
  newSecond: PARAMETER_COUNT + 4 + SCALARS.length,
  gradientLanes: PARAMETER_COUNT + 5 + SCALARS.length,
  newFirstScalar: PARAMETER_COUNT + 6 + SCALARS.length,
  newSecondScalar: PARAMETER_COUNT + 7 + SCALARS.length,
  gradientScalar: PARAMETER_COUNT + 8 + SCALARS.length,
} as const;

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Div: 0x95,
  simd: 0xfd,
} as const;

/** SIMD opcodes (after the 0xfd prefix), as unsigned LEB128. */
const simd = {
  load: [0x00],
  store: [0x0b],
  f32x4Splat: [0x13],
  f32x4Sqrt: [0xe3, 0x01],
  f32x4Add: [0xe4, 0x01],
  f32x4Mul: [0xe6, 0x01],
  f32x4Div: [0xe7, 0x01],
} as const;

function unsignedLeb(value: number): number[] {
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

function signedLeb(value: number): number[] {
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

/** Instruction builders for the function body. */
const get = (index: number): number[] => [op.localGet, ...unsignedLeb(index)];
const set = (index: number): number[] => [op.localSet, ...unsignedLeb(index)];
const i32 = (value: number): number[] => [op.i32Const, ...signedLeb(value)];
const simdOp = (code: readonly number[]): number[] => [op.simd, ...code];
/** `v128.load` at `base + offset` (alignment hint 1 byte: correct for any address). */
const loadLanes = (base: number): number[] => [...get(base), ...get(L.offset), op.i32Add, ...simdOp(simd.load), 0x00, 0x00];
const loadScalar = (base: number): number[] => [...get(base), ...get(L.offset), op.i32Add, op.f32Load, 0x00, 0x00];
const address = (base: number): number[] => [...get(base), ...get(L.offset), op.i32Add];
const storeLanes = [...simdOp(simd.store), 0x00, 0x00];
const storeScalar = [op.f32Store, 0x00, 0x00];
const splat = (scalar: ScalarName): number[] => get(L.splat0 + SCALARS.indexOf(scalar));
const scalarParam = (scalar: ScalarName): number[] => get(P[scalar]);

/**
 * One element block of the update, written once for lanes and once for scalars: `mul`, `add`, `div`,
 * `sqrt` are the lane or scalar opcodes, `factor` reads a scalar's splat or parameter.
 */
function updateBody(kind: 'lanes' | 'scalar'): number[] {
  const lanes = kind === 'lanes';
  const mul = lanes ? simdOp(simd.f32x4Mul) : [op.f32Mul];
  const add = lanes ? simdOp(simd.f32x4Add) : [op.f32Add];
  const div = lanes ? simdOp(simd.f32x4Div) : [op.f32Div];
  const sqrt = lanes ? simdOp(simd.f32x4Sqrt) : [op.f32Sqrt];
  const load = lanes ? loadLanes : loadScalar;
  const store = lanes ? storeLanes : storeScalar;
  const factor = lanes ? splat : scalarParam;
  const gradient = lanes ? L.gradientLanes : L.gradientScalar;
  const newFirst = lanes ? L.newFirst : L.newFirstScalar;
  const newSecond = lanes ? L.newSecond : L.newSecondScalar;
  return [
    ...load(P.gradient),
    ...set(gradient),
    // first' = first * beta1 + gradient * (1 - beta1)
    ...load(P.first),
    ...factor('beta1'),
    ...mul,
    ...get(gradient),
    ...factor('oneMinusBeta1'),
    ...mul,
    ...add,
    ...set(newFirst),
    ...address(P.firstOut),
    ...get(newFirst),
    ...store,
    // second' = second * beta2 + (gradient * gradient) * (1 - beta2)
    ...load(P.second),
    ...factor('beta2'),
    ...mul,
    ...get(gradient),
    ...get(gradient),
    ...mul,
    ...factor('oneMinusBeta2'),
    ...mul,
    ...add,
    ...set(newSecond),
    ...address(P.secondOut),
    ...get(newSecond),
    ...store,
    // value' = ((first' / (1 - beta1^t)) / (sqrt(second' / (1 - beta2^t)) + epsilon)) * -lr + value
    ...address(P.valueOut),
    ...get(newFirst),
    ...factor('oneMinusAccBeta1'),
    ...div,
    ...get(newSecond),
    ...factor('oneMinusAccBeta2'),
    ...div,
    ...sqrt,
    ...factor('epsilon'),
    ...add,
    ...div,
    ...factor('negLearningRate'),
    ...mul,
    ...load(P.value),
    ...add,
    ...store,
  ];
}

/** `while (offset < limit) { body; offset += step }` */
function loopWhileBelow(limit: number, step: number, body: number[]): number[] {
  return [
    op.block,
    0x40,
    op.loop,
    0x40,
    ...get(L.offset),
    ...get(limit),
    op.i32GeU,
    op.brIf,
    0x01,
    ...body,
    ...get(L.offset),
    ...i32(step),
    op.i32Add,
    ...set(L.offset),
    op.br,
    0x00,
    op.end,
    op.end,
  ];
}

function functionBody(): number[] {
  const locals = [
    [3, I32], // offset, simdEnd, end
    [SCALARS.length + 3, V128], // splats, newFirst, newSecond, gradientLanes
    [3, F32], // newFirstScalar, newSecondScalar, gradientScalar
  ].map(([count, type]) => [...unsignedLeb(count!), type!]);
  const code = [
    // end = count * 4; simdEnd = (count & ~3) * 4; offset = 0
    ...get(P.count),
    ...i32(2),
    op.i32Shl,
    ...set(L.end),
    ...get(P.count),
    ...i32(-4),
    op.i32And,
    ...i32(2),
    op.i32Shl,
    ...set(L.simdEnd),
    ...i32(0),
    ...set(L.offset),
    ...SCALARS.flatMap((scalar, index) => [...get(P[scalar]), ...simdOp(simd.f32x4Splat), ...set(L.splat0 + index)]),
    ...loopWhileBelow(L.simdEnd, 16, updateBody('lanes')),
    ...loopWhileBelow(L.end, 4, updateBody('scalar')),
    op.end,
  ];
  const body = [...vector(locals), ...code];
  return [...unsignedLeb(body.length), ...body];
}

/** The module's bytes: it imports its memory as `env.memory` and exports `adam`. */
export function adamModuleBytes(): Uint8Array {
  const parameters = [...Array.from({ length: 7 }, () => I32), I32, ...SCALARS.map(() => F32)];
  const functionType = [0x60, ...unsignedLeb(parameters.length), ...parameters, 0x00];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([functionType])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vector([[0x00]])),
    ...section(7, vector([[...name('adam'), 0x00, 0x00]])),
    ...section(10, vector([functionBody()])),
  ];
  return Uint8Array.from(bytes);
}

/** The scalars of one Adam step, as tfjs' `AdamOptimizer` computes them (each rounded to float32 by the module). */
export interface AdamStepScalars {
  /** Decay of the first moment. */
  beta1: number;
  /** Decay of the second moment. */
  beta2: number;
  /** `1 - beta1^t` (float32, as tfjs' optimizer holds it). */
  oneMinusAccBeta1: number;
  /** `1 - beta2^t` (float32). */
  oneMinusAccBeta2: number;
  /** Added to the root of the second moment. */
  epsilon: number;
  /** The step size. */
  learningRate: number;
}

/** Byte offsets of one variable's update: three outputs, four inputs, all `count` float32s. */
export interface AdamUpdateOffsets {
  /** Where the new value goes. */
  valueOut: number;
  /** Where the new first moment goes. */
  firstOut: number;
  /** Where the new second moment goes. */
  secondOut: number;
  /** The current value. */
  value: number;
  /** The gradient. */
  gradient: number;
  /** The current first moment. */
  first: number;
  /** The current second moment. */
  second: number;
}

/** The compiled module (compiled once per process). */
let compiled: WasmModule | undefined;

/** The exported function, typed. */
type AdamExport = (...args: number[]) => void;

/** Runs the fused Adam update on float32 data that lies in `memory`. */
export class AdamSimd {
  private readonly adam: AdamExport;

  /** @param memory the memory the offsets point into (tfjs-wasm's own, or a private one) */
  constructor(readonly memory: WasmMemory) {
    compiled ??= new webAssembly.Module(adamModuleBytes());
    const instance = new webAssembly.Instance(compiled, { env: { memory } });
    this.adam = instance.exports['adam'] as AdamExport;
  }

  /** Updates `count` elements; outputs may alias their own inputs (each element is read before it is written). */
  update(offsets: AdamUpdateOffsets, count: number, scalars: AdamStepScalars): void {
    const { beta1, beta2 } = scalars;
    this.adam(
      offsets.valueOut,
      offsets.firstOut,
      offsets.secondOut,
      offsets.value,
      offsets.gradient,
      offsets.first,
      offsets.second,
      count,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      scalars.oneMinusAccBeta1,
      scalars.oneMinusAccBeta2,
      scalars.epsilon,
      -scalars.learningRate,
    );
  }
}
