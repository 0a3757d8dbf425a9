import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import seedrandom from 'seedrandom';

/** Constructor arguments of {@link SeededDropout}: the usual layer arguments plus its rate and seed. */
export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of the inputs zeroed while training, in `[0, 1)`. */
  rate: number;
  /** Seed of the layer's own mask generator (an integer): the same seed gives the same sequence of masks. */
  seed: number;
}

/** The saved state of a {@link SeededDropout}'s mask generator (seedrandom's ARC4 state). */
export type SeededDropoutState = seedrandom.State.Arc4;

/**
 * Inverted dropout with reproducible, fresh masks.
 *
 * tfjs-layers' own `Dropout` either draws the same mask on every step (with a fixed `seed`) or
 * draws from `Math.random` (without one). This layer owns a seedrandom generator seeded at
 * construction and draws a new mask seed from it on every training call, so successive steps see
 * different masks while two layers built with the same seed see the same sequence.
 *
 * While training, each input is zeroed with probability `rate` and the kept ones are scaled by
 * `1 / (1 - rate)`; at inference the layer is the identity. It is registered with
 * `tf.serialization.registerClass` (as `SeededDropout`), and its config holds `rate` and `seed`,
 * so saved models load back with `loadModel` once this module has been imported.
 */
export class SeededDropout extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'SeededDropout';

  /** Fraction of the inputs zeroed while training. */
  readonly rate: number;
  /** Seed the mask generator was created with. */
  readonly seed: number;
  #generator: seedrandom.StatefulPRNG<SeededDropoutState>;

  /** @param args - the layer arguments, `rate` and `seed` included. */
  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(typeof args.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
      throw new Error(`SeededDropout "${this.name}": rate must be a number in [0, 1), got ${String(args.rate)}.`);
    }
    if (!Number.isSafeInteger(args.seed)) {
      throw new Error(`SeededDropout "${this.name}": seed must be an integer, got ${String(args.seed)}.`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
    this.#generator = seedrandom(String(args.seed), { state: true });
  }

  /**
   * Applies dropout when `kwargs.training` is `true`; otherwise returns the input unchanged
   * (`Layer.apply` hands callers a copy, so freeing this layer's output never frees its input).
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const input = SeededDropout.single(inputs, this.name);
      if (kwargs['training'] !== true || this.rate === 0) return input;
      const maskSeed = this.#generator.int32() >>> 0;
      const kept = tf.tensor(keptMask(input.size, this.rate, maskSeed), input.shape, 'bool');
      const scaledMask = tf.mul(tf.cast(kept, input.dtype), 1 / (1 - this.rate));
      return tf.mul(input, scaledMask);
    });
  }

  /** The generator's current state, to save with a checkpoint so a resumed run draws the same masks. */
  generatorState(): SeededDropoutState {
    return this.#generator.state();
  }

  /** Restores the generator to a state returned by {@link SeededDropout.generatorState}. */
  restoreGeneratorState(state: SeededDropoutState): void {
    this.#generator = seedrandom('', { state });
  }

  /** The layer's config: the base layer config plus `rate` and `seed`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }

  private static single(inputs: tf.Tensor | tf.Tensor[], name: string): tf.Tensor {
    if (!Array.isArray(inputs)) return inputs;
    const [first] = inputs;
    if (inputs.length !== 1 || first === undefined) {
      throw new Error(`SeededDropout "${name}" takes exactly one input tensor, got ${inputs.length}.`);
    }
    return first;
  }
}

tf.serialization.registerClass(SeededDropout);

/**
 * The smallest float64 `x` with `Math.fround(x) >= Math.fround(rate)`: comparing a draw with it gives
 * the float32 comparison TensorFlow.js makes without rounding every draw to float32. `fround` is
 * monotonic, so the bound is the midpoint between `fround(rate)` and the float32 below it, or the
 * float64 just above that midpoint when a tie there rounds down (round half to even).
 */
export function keptThreshold(rate: number): number {
  const threshold = Math.fround(rate);
  if (threshold <= 0) return -Infinity;
  const float = new Float32Array([threshold]);
  new Uint32Array(float.buffer)[0]! -= 1;
  const midpoint = (float[0]! + threshold) / 2;
  if (Math.fround(midpoint) >= threshold) return midpoint;
  const double = new Float64Array([midpoint]);
  new BigUint64Array(double.buffer)[0]! += 1n;
  return double[0]!;
}

/**
 * The mask `tf.greaterEqual(tf.randomUniform([size], 0, 1, 'float32', seed), rate)` would give, as one
 * byte per value: the same uniform draws (seedrandom's alea seeded with the seed's decimal string, as
 * tfjs' `UniformRandom` does), compared as float32 values as TensorFlow.js compares them
 * ({@link keptThreshold}). Computed here rather than by tfjs so that a step leaves 1 byte of garbage per
 * masked value instead of a 4-byte float array to upload and then compare in the backend
 * (bench/native/MEMORY.md, section 6). The generator's recurrence runs inline on local variables from
 * seedrandom's seeded state (the same arithmetic as its `next()`, so the same draws; `t` is positive
 * and below 2^31, so `Math.floor(t)` is its `t | 0`): calling `next()` and rounding each draw took ~20%
 * of a dropout teacher's training step on tfjs-node, ~5 ms per 128 x 1200 mask against ~1 now.
 */
export function keptMask(size: number, rate: number, seed: number): Uint8Array {
  const state = seedrandom.alea(String(seed), { state: true }).state();
  let c = state.c;
  let s0 = state.s0;
  let s1 = state.s1;
  let s2 = state.s2;
  const bound = keptThreshold(rate);
  const kept = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = Math.floor(t);
    s2 = t - c;
    kept[i] = s2 >= bound ? 1 : 0;
  }
  return kept;
}
