import { byteBounds, F32, get, I32, i32, loopWhileBelow, moduleBytes, op, set, simd, simdOp, f32Load, f32Store, v128Load, v128Store, V128 } from '../simd/wasm-encoding.js';
import { instantiateExport } from '../simd/instantiate-module.js';
import type { WasmMemory } from '../simd/webassembly-api.js';

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

/** Locals after the parameters: the byte cursor, the end of the SIMD part, the end, one splat per scalar, temporaries. */
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

/** The address `base + offset`. */
const address = (base: number): number[] => [...get(base), ...get(L.offset), op.i32Add];
const loadLanes = (base: number): number[] => [...address(base), ...v128Load];
const loadScalar = (base: number): number[] => [...address(base), ...f32Load];
const storeLanes = v128Store;
const storeScalar = f32Store;
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

/** The module's bytes: it imports its memory as `env.memory` and exports `adam`. */
export function adamModuleBytes(): Uint8Array {
  const code = [
    ...byteBounds(P.count, L.end, L.simdEnd),
    ...i32(0),
    ...set(L.offset),
    ...SCALARS.flatMap((scalar, index) => [...get(P[scalar]), ...simdOp(simd.f32x4Splat), ...set(L.splat0 + index)]),
    ...loopWhileBelow(L.offset, L.simdEnd, 16, updateBody('lanes')),
    ...loopWhileBelow(L.offset, L.end, 4, updateBody('scalar')),
  ];
  return moduleBytes([
    {
      name: 'adam',
      parameters: [...Array.from({ length: 8 }, () => I32), ...SCALARS.map(() => F32)],
      locals: [
        [3, I32], // offset, simdEnd, end
        [SCALARS.length + 3, V128], // splats, newFirst, newSecond, gradientLanes
        [3, F32], // newFirstScalar, newSecondScalar, gradientScalar
      ],
      code,
    },
  ]);
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

/** The exported function, typed. */
type AdamExport = (...args: number[]) => void;

/** Runs the fused Adam update on float32 data that lies in `memory`. */
export class AdamSimd {
  private readonly adam: AdamExport;

  /** @param memory the memory the offsets point into (tfjs-wasm's own, or a private one) */
  constructor(readonly memory: WasmMemory) {
    this.adam = instantiateExport<AdamExport>(adamModuleBytes, memory, 'adam');
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
