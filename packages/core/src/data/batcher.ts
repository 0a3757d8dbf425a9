import seedrandom from 'seedrandom';
import { decodeInputRowsInto, inputValueCount } from './byte-inputs.js';
import type { DataSplit } from './dataset.js';
import { shuffleInPlace } from './shuffle.js';

/** How a {@link Batcher} cuts a split into batches. */
export interface BatcherOptions {
  /** Examples per batch (a positive integer). */
  readonly batchSize: number;
  /** Seed of the shuffles: epoch `e`'s order depends only on `seed` and `e`. */
  readonly seed: number;
  /** Shape of one example; when given, the split must hold `count * prod(inputShape)` input values. */
  readonly inputShape?: readonly number[];
  /** Shuffle each epoch (default `true`); `false` keeps the split's order in every epoch. */
  readonly shuffle?: boolean;
  /** Drop the last batch of an epoch when it is smaller than `batchSize` (default `false`: keep it). */
  readonly dropLast?: boolean;
}

/**
 * One batch, as views into the {@link Batcher}'s preallocated buffers. The views are overwritten when
 * the next batch is filled: use them (or copy them) first. Note that tfjs's CPU backend may keep a
 * reference to a typed array given to `tf.tensor` instead of copying it, so a tensor made from these
 * views must not outlive the step.
 */
export interface Batch {
  /** Inputs: `size * exampleSize` floats, row-major. */
  readonly x: Float32Array;
  /** Labels: `size` integers. */
  readonly y: Int32Array;
  /** Each example's index in the split (e.g. to look up cached teacher outputs). */
  readonly indices: Int32Array;
  /** Number of examples in this batch (`batchSize`, or fewer for the last batch of an epoch). */
  readonly size: number;
  /** The epoch (from 0). */
  readonly epoch: number;
  /** The batch's position within its epoch (from 0). */
  readonly step: number;
}

/** A batch whose position fields the batcher updates in place. */
type BatchBuffer = { -readonly [Field in keyof Batch]: Batch[Field] };

/** Where a {@link Batcher}'s cursor stands: the next batch {@link Batcher.next} returns. */
export interface BatcherState {
  /** The epoch (from 0). */
  readonly epoch: number;
  /** The step within that epoch (from 0). */
  readonly step: number;
}

/** The seedrandom seed string of epoch `epoch`'s shuffle. */
export function epochSeedString(seed: number, epoch: number): string {
  return `kdlab/batcher/${seed}/epoch/${epoch}`;
}

/**
 * Cuts a {@link DataSplit} into batches in memory, without allocating per step: it owns one buffer
 * of `batchSize` examples (plus labels and indices) and fills it for each batch, returning views.
 *
 * Order: epoch `e` visits the examples in a permutation drawn by Fisher-Yates with a
 * `seedrandom.alea` generator seeded with {@link epochSeedString}`(seed, e)`, so every example is seen
 * exactly once per epoch, and the order of any epoch can be recomputed from `seed` and `e` alone:
 * resuming at `(epoch, step)` needs no replay (see {@link Batcher.state} and {@link Batcher.restore}).
 * The last batch of an epoch holds the remaining `count % batchSize` examples unless `dropLast` is set.
 */
export class Batcher {
  /** Examples per full batch. */
  readonly batchSize: number;
  /** Floats per example. */
  readonly exampleSize: number;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  readonly #split: DataSplit;
  readonly #seed: number;
  readonly #shuffle: boolean;
  readonly #order: Int32Array;
  #orderEpoch = -1;
  readonly #full: BatchBuffer;
  readonly #partial: BatchBuffer | undefined;
  #cursor: BatcherState = { epoch: 0, step: 0 };

  /**
   * @param split - the examples; at least one.
   * @param options - batch size, seed and the rest; invalid values are errors naming the option.
   */
  constructor(split: DataSplit, options: BatcherOptions) {
    const { batchSize, seed } = options;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`Batcher: batchSize is ${batchSize}, expected a positive integer`);
    if (!Number.isFinite(seed)) throw new RangeError(`Batcher: seed is ${seed}, expected a finite number`);
    if (!(split.count > 0) || split.y.length !== split.count) {
      throw new RangeError(`Batcher: the split has count ${split.count} and ${split.y.length} labels; expected at least one example and one label each`);
    }
    const values = inputValueCount(split);
    const exampleSize = values / split.count;
    if (!Number.isInteger(exampleSize)) throw new RangeError(`Batcher: x holds ${values} values, not a multiple of count ${split.count}`);
    if (options.inputShape !== undefined) {
      const expected = options.inputShape.reduce((product, size) => product * size, 1);
      if (expected !== exampleSize) {
        throw new RangeError(`Batcher: inputShape [${options.inputShape.join(', ')}] means ${expected} floats per example, but x holds ${exampleSize} per example`);
      }
    }
    this.batchSize = batchSize;
    this.exampleSize = exampleSize;
    const remainder = split.count % batchSize;
    this.stepsPerEpoch = Math.floor(split.count / batchSize) + (remainder > 0 && !options.dropLast ? 1 : 0);
    if (this.stepsPerEpoch === 0) {
      throw new RangeError(`Batcher: with dropLast, ${split.count} examples make no full batch of ${batchSize}`);
    }
    this.#split = split;
    this.#seed = seed;
    this.#shuffle = options.shuffle ?? true;
    this.#order = new Int32Array(split.count);
    const size = Math.min(batchSize, split.count);
    const x = new Float32Array(size * exampleSize);
    const y = new Int32Array(size);
    const indices = new Int32Array(size);
    this.#full = { x, y, indices, size, epoch: 0, step: 0 };
    this.#partial =
      remainder > 0 && split.count > batchSize
        ? { x: x.subarray(0, remainder * exampleSize), y: y.subarray(0, remainder), indices: indices.subarray(0, remainder), size: remainder, epoch: 0, step: 0 }
        : undefined;
  }

  /** Epoch `epoch`'s order of example indices (a fresh copy; the batcher keeps its own). */
  permutation(epoch: number): Int32Array {
    return this.#orderOf(epoch).slice();
  }

  /**
   * Fills and returns batch `step` of epoch `epoch` (random access; deterministic).
   * The returned views are valid until the next batch is filled.
   */
  batch(epoch: number, step: number): Batch {
    if (!Number.isSafeInteger(step) || step < 0 || step >= this.stepsPerEpoch) {
      throw new RangeError(`Batcher: step ${step} is outside [0, ${this.stepsPerEpoch}) for epoch ${epoch}`);
    }
    const order = this.#orderOf(epoch);
    const start = step * this.batchSize;
    const size = Math.min(this.batchSize, this.#split.count - start);
    const target = size === this.#full.size || this.#partial === undefined ? this.#full : this.#partial;
    const split = this.#split;
    const exampleSize = this.exampleSize;
    for (let k = 0; k < size; k++) {
      const index = order[start + k] as number;
      target.indices[k] = index;
      target.y[k] = split.y[index] as number;
      decodeInputRowsInto(split, index, exampleSize, target.x, k * exampleSize);
    }
    target.epoch = epoch;
    target.step = step;
    return target;
  }

  /**
   * Iterates over the batches of epoch `epoch`, from `fromStep` (default 0) to its end. Each batch
   * yielded is the same refilled buffer: use it inside the loop (`[...batcher.epoch(0)]` would hold
   * the last batch several times; `Array.from(batcher.epoch(0), (batch) => ...)` maps each in turn).
   */
  *epoch(epoch: number, fromStep = 0): IterableIterator<Batch> {
    for (let step = fromStep; step < this.stepsPerEpoch; step++) yield this.batch(epoch, step);
  }

  /** Returns the batch at the cursor and advances it, to the next epoch's first batch after an epoch's last. */
  next(): Batch {
    const { epoch, step } = this.#cursor;
    const batch = this.batch(epoch, step);
    this.#cursor = step + 1 < this.stepsPerEpoch ? { epoch, step: step + 1 } : { epoch: epoch + 1, step: 0 };
    return batch;
  }

  /** Where the cursor stands (plain data: save it in a checkpoint). */
  state(): BatcherState {
    return { ...this.#cursor };
  }

  /** Moves the cursor, e.g. to a state saved by {@link Batcher.state}; the batches that follow are those that followed then. */
  restore(state: BatcherState): void {
    if (!Number.isSafeInteger(state.epoch) || state.epoch < 0 || !Number.isSafeInteger(state.step) || state.step < 0 || state.step >= this.stepsPerEpoch) {
      throw new RangeError(`Batcher: cannot restore to epoch ${state.epoch}, step ${state.step} (steps per epoch: ${this.stepsPerEpoch})`);
    }
    this.#cursor = { epoch: state.epoch, step: state.step };
  }

  #orderOf(epoch: number): Int32Array {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`Batcher: epoch is ${epoch}, expected a non-negative integer`);
    if (this.#orderEpoch !== epoch) {
      const order = this.#order;
      for (let i = 0; i < order.length; i++) order[i] = i;
      if (this.#shuffle) shuffleInPlace(order, seedrandom.alea(epochSeedString(this.#seed, epoch)));
      this.#orderEpoch = epoch;
    }
    return this.#order;
  }
}
