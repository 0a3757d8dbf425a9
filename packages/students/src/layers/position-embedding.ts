import { deriveSeed } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { sequenceShape, singleInput, singleShape } from './single-input.js';

/** Constructor arguments of {@link LearnedPositionEmbedding}. */
export interface LearnedPositionEmbeddingArgs extends LayerArgs {
  /** Rows of the table: the longest sequence the layer accepts. */
  maxLength: number;
  /** Seed of the table's initializer (an integer). */
  seed: number;
}

/**
 * Learned absolute position embeddings (BERT, ViT): a table `embeddings` `[maxLength, hidden]`
 * (truncated normal, standard deviation 0.02, seeded) whose first `seq` rows are added to a
 * `[batch, seq, hidden]` input. Throws naming both lengths when `seq > maxLength`.
 * Registered with `tf.serialization.registerClass` (as `LearnedPositionEmbedding`).
 */
export class LearnedPositionEmbedding extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'LearnedPositionEmbedding';

  /** Rows of the table. */
  readonly maxLength: number;
  /** Seed of the table's initializer. */
  readonly seed: number;
  #table: tfl.LayerVariable | undefined;

  /** @param args - the layer arguments, `maxLength` and `seed` included. */
  constructor(args: LearnedPositionEmbeddingArgs) {
    super(args);
    if (!Number.isInteger(args.maxLength) || args.maxLength < 1) {
      throw new Error(`LearnedPositionEmbedding "${this.name}": maxLength must be a positive integer, got ${String(args.maxLength)}.`);
    }
    if (!Number.isSafeInteger(args.seed)) {
      throw new Error(`LearnedPositionEmbedding "${this.name}": seed must be an integer, got ${String(args.seed)}.`);
    }
    this.maxLength = args.maxLength;
    this.seed = args.seed;
  }

  /** Creates the table once the hidden size is known, and checks the sequence length. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const { seq, hidden } = sequenceShape(inputShape, this.describe());
    if (seq !== null) this.checkLength(seq);
    this.#table = this.addWeight('embeddings', [this.maxLength, hidden], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: deriveSeed(this.seed, 'embeddings') }));
    this.built = true;
  }

  /** The output has the input's shape. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return singleShape(inputShape, this.describe());
  }

  /** Adds the first `seq` rows of the table to every example. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = singleInput(inputs, this.describe());
      const [, seq, hidden] = x.shape as [number, number, number];
      this.checkLength(seq);
      const table = this.#table!.read();
      return tf.add(x, seq === this.maxLength ? table : tf.slice(table, [0, 0], [seq, hidden]));
    });
  }

  /** The layer's config: the base layer config plus `maxLength` and `seed`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, seed: this.seed };
  }

  private checkLength(seq: number): void {
    if (seq > this.maxLength) {
      throw new Error(`${this.describe()}: the sequence has ${seq} tokens, more than its maxLength of ${this.maxLength}.`);
    }
  }

  private describe(): string {
    return `LearnedPositionEmbedding "${this.name}"`;
  }
}

tf.serialization.registerClass(LearnedPositionEmbedding);
