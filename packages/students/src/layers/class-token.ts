import { deriveSeed } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { sequenceShape, singleInput, singleShape } from './single-input.js';

/** Constructor arguments of {@link ClassToken}. */
export interface ClassTokenArgs extends LayerArgs {
  /** Seed of the token's initializer (an integer). */
  seed: number;
}

/**
 * Prepends a learned `[CLS]` token to a sequence: `[batch, seq, hidden]` becomes
 * `[batch, seq + 1, hidden]` with the weight `token` `[hidden]` (truncated normal, standard
 * deviation 0.02, seeded) at position 0, whose final hidden state a classifier reads (BERT, ViT).
 * Registered with `tf.serialization.registerClass` (as `ClassToken`).
 */
export class ClassToken extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'ClassToken';

  /** Seed of the token's initializer. */
  readonly seed: number;
  #token: tfl.LayerVariable | undefined;

  /** @param args - the layer arguments, `seed` included. */
  constructor(args: ClassTokenArgs) {
    super(args);
    if (!Number.isSafeInteger(args.seed)) throw new Error(`ClassToken "${this.name}": seed must be an integer, got ${String(args.seed)}.`);
    this.seed = args.seed;
  }

  /** Creates the token once the hidden size is known. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const { hidden } = sequenceShape(inputShape, this.describe());
    this.#token = this.addWeight('token', [hidden], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: deriveSeed(this.seed, 'token') }));
    this.built = true;
  }

  /** One more position: `[batch, seq + 1, hidden]`. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [batch, seq, hidden] = singleShape(inputShape, this.describe());
    return [batch ?? null, typeof seq === 'number' ? seq + 1 : null, hidden ?? null];
  }

  /** Prepends the token to every example. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = singleInput(inputs, this.describe());
      const [batch, , hidden] = x.shape as [number, number, number];
      const token = tf.tile(tf.reshape(this.#token!.read(), [1, 1, hidden]), [batch, 1, 1]);
      return tf.concat([token, x], 1);
    });
  }

  private describe(): string {
    return `ClassToken "${this.name}"`;
  }

  /** The layer's config: the base layer config plus `seed`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

tf.serialization.registerClass(ClassToken);
