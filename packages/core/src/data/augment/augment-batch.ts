import seedrandom from 'seedrandom';
import type { Augmentation } from './augmentation.js';
import { randomTranslate } from './random-translate.js';

/** The seedrandom seed string of one batch's augmentation. */
export function augmentationSeedString(seed: number, epoch: number, step: number): string {
  return `kdlab/augment/${seed}/epoch/${epoch}/step/${step}`;
}

/**
 * Applies an experiment's augmentation to training batches in place. Each batch draws from its own
 * generator, seeded by the run's seed, the epoch and the step, so batch `(epoch, step)` is transformed
 * the same way whatever ran before it (a resumed run included).
 */
export class BatchAugmenter {
  readonly #augmentation: Augmentation;
  readonly #shape: readonly [number, number, number];
  readonly #seed: number;
  readonly #scratch: Float32Array;

  /**
   * @param augmentation - what to apply.
   * @param inputShape - one example's shape: `[rows, columns]` or `[rows, columns, channels]`.
   * @param seed - the run's seed.
   */
  constructor(augmentation: Augmentation, inputShape: readonly number[], seed: number) {
    if (augmentation.translate > 0 && (inputShape.length < 2 || inputShape.length > 3)) {
      throw new RangeError(`augment.translate shifts images, but the data's examples have shape [${inputShape.join(', ')}]: expected [rows, columns] or [rows, columns, channels]`);
    }
    this.#augmentation = augmentation;
    this.#shape = [inputShape[0] ?? 1, inputShape[1] ?? 1, inputShape[2] ?? 1];
    this.#seed = seed;
    this.#scratch = new Float32Array(this.#shape[0] * this.#shape[1] * this.#shape[2]);
  }

  /** Transforms the `count` examples of `x` (a batch of epoch `epoch`, step `step`, both from 0) in place. */
  apply(x: Float32Array, count: number, epoch: number, step: number): void {
    if (this.#augmentation.translate === 0) return;
    const random = seedrandom.alea(augmentationSeedString(this.#seed, epoch, step));
    randomTranslate(x, count, this.#shape, this.#augmentation.translate, () => random(), this.#scratch);
  }
}
