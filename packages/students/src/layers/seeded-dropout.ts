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
 * The mask `tf.greaterEqual(tf.randomUniform([size], 0, 1, 'float32', seed), rate)` would give, as one
 * byte per value: the same uniform draws (seedrandom's alea seeded with the seed's decimal string, as
 * tfjs' `UniformRandom` does), compared as float32 values as TensorFlow.js compares them. Computed
 * here rather than by tfjs so that a step leaves 1 byte of garbage per masked value instead of a
 * 4-byte float array to upload and then compare in the backend (bench/native/MEMORY.md, section 6).
 */
function keptMask(size: number, rate: number, seed: number): Uint8Array {
  const next = seedrandom.alea(String(seed));
  const threshold = Math.fround(rate);
  const kept = new Uint8Array(size);
  for (let i = 0; i < size; i++) kept[i] = Math.fround(next()) >= threshold ? 1 : 0;
  return kept;
}
