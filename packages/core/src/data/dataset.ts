/**
 * One split of a dataset, held in typed arrays. A loader may hold the inputs as bytes instead
 * (`bytes`, made by `byteSplit`), a quarter of their float size: the full MNIST's 60,000 training
 * images are then 47 MiB instead of 188. Readers that go row by row (`inputRows`,
 * `decodeInputRowsInto`) then decode only the rows they need.
 */
export interface DataSplit {
  /**
   * Inputs, row-major: `count * prod(inputShape)` floats, already normalised. For a split with
   * `bytes`, the whole split decoded on first access (and kept): prefer `inputRows`.
   */
  readonly x: Float32Array;
  /** The inputs as bytes with their decoding tables, when the loader kept them so; `x` is then derived from them. */
  readonly bytes?: ByteInputs;
  /** Integer labels in `[0, numClasses)`. */
  readonly y: Int32Array;
  /** Number of examples. */
  readonly count: number;
}

/** A classification dataset split into train, validation and test sets. */
export interface Dataset {
  /** Identifier, e.g. `mnist-10k` or `fashion-mnist`. */
  readonly name: string;
  /** Shape of one example without the batch dimension, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Number of classes. */
  readonly numClasses: number;
  /** Human-readable class names, `numClasses` of them. */
  readonly classNames: readonly string[];
  /** Training examples. */
  readonly train: DataSplit;
  /** Validation examples (model selection, early stopping). */
  readonly val: DataSplit;
  /** Held-out test examples. */
  readonly test: DataSplit;
  /** Where the data came from (a file path or package), for the run's tags. */
  readonly source: string;
}

/** How to split a dataset, as fractions summing to 1 (used where a dataset has no fixed split). */
export interface SplitFractions {
  /** Fraction of examples for training. */
  train: number;
  /** Fraction for validation. */
  val: number;
  /** Fraction for testing. */
  test: number;
}

/** What a dataset loader is asked for. */
export interface DatasetRequest {
  /** Fractions for datasets without a canonical split; for canonical splits, `val` is carved from train. */
  split: SplitFractions;
  /** Seed of the split. */
  seed: number;
  /** Keep at most this many training examples (stratified), for quick runs. */
  limitTrain?: number;
}

/**
 * A split's inputs held as one byte per value (as image files store pixels), a quarter of their
 * size as floats. Value `i` of the split decodes to `levels[(i % channels) * 256 + bytes[i]]`: each
 * channel has its own 256-entry table, so a per-channel normalisation (`(p / 255 - mean) / std`)
 * decodes exactly as a float copy would have held it.
 */
export interface ByteInputs {
  /** `count * prod(inputShape)` bytes, row-major, channels last (the layout of {@link DataSplit.x}). */
  readonly bytes: Uint8Array;
  /** `256 * channels` floats: channel `c`'s value of byte `p` is `levels[c * 256 + p]`. */
  readonly levels: Float32Array;
  /** Channels per pixel (the innermost dimension of an example's shape: 1 for greyscale, 3 for RGB). */
  readonly channels: number;
}
