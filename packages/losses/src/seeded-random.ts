import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed } from '@kdlab/core';

/** A generator of uniform numbers in `[0, 1)`. */
export type UniformGenerator = () => number;

/**
 * A seeded uniform generator whose position can be read and set, so that a checkpoint can save it
 * and a resumed training continue the same stream. Callable as a plain {@link UniformGenerator}.
 */
export interface SeededGenerator {
  /** The next number in `[0, 1)`; advances the position. */
  (): number;
  /** The generator's position: its 32-bit state, an integer in `[0, 2³²)`. */
  state(): number;
  /**
   * Moves the generator to a position {@link SeededGenerator.state} returned: the numbers it draws
   * next are those drawn after that position.
   *
   * @param state - an integer in `[0, 2³²)`; anything else throws.
   */
  restore(state: number): void;
}

/** Whether a uniform generator can save and restore its position (a {@link SeededGenerator}). */
export function isSeededGenerator(random: UniformGenerator): random is SeededGenerator {
  const candidate = random as Partial<SeededGenerator>;
  return typeof candidate.state === 'function' && typeof candidate.restore === 'function';
}

/** Whether a value is a valid 32-bit generator state: an integer in `[0, 2³²)`. */
export function isGeneratorState(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/**
 * A small seeded generator (mulberry32: 32-bit state, full period 2³²) for a loss's own random
 * choices and initial weights, so that a loss's behaviour is a function of the run's seed alone,
 * whatever the backend. Its position can be saved and restored (see {@link SeededGenerator}).
 *
 * @param seed - the run's seed (`LossContext.seed`).
 * @param purpose - a label giving the stream its own derived seed, e.g. `crd/negatives`.
 */
export function seededGenerator(seed: number, purpose: string): SeededGenerator {
  let state = deriveSeed(seed, purpose) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, {
    state: (): number => state,
    restore(saved: number): void {
      if (!isGeneratorState(saved)) {
        throw new Error(`seeded generator "${purpose}": a state is an integer in [0, 4294967295], got ${String(saved)}.`);
      }
      state = saved;
    },
  });
}

/**
 * Values drawn uniformly from `[-bound, bound)`.
 *
 * @param count - how many values.
 * @param bound - the half-width of the interval.
 * @param random - the generator to draw from.
 */
export function uniformValues(count: number, bound: number, random: UniformGenerator): Float32Array {
  const values = new Float32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = (2 * random() - 1) * bound;
  return values;
}

/**
 * A trainable variable initialised as PyTorch initialises `nn.Linear` and `nn.Conv2d` weights and
 * biases by default: uniform in `±1/√fanIn` (Kaiming-uniform with `a = √5`).
 *
 * @param shape - the variable's shape.
 * @param fanIn - inputs per output unit (`inChannels·kh·kw` for a convolution).
 * @param random - the generator to draw from.
 * @param name - the variable's name prefix (made unique, as tfjs variable names must be).
 */
export function torchDefaultVariable(shape: number[], fanIn: number, random: UniformGenerator, name: string): tf.Variable {
  const count = shape.reduce((product, size) => product * size, 1);
  const values = uniformValues(count, 1 / Math.sqrt(fanIn), random);
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, uniqueVariableName(name)));
}

let variableCounter = 0;

/** A variable name not used before in this process: `<prefix>_<n>`. */
export function uniqueVariableName(prefix: string): string {
  variableCounter += 1;
  return `${prefix}_${variableCounter}`;
}
