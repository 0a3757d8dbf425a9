import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { singleInput, singleShape } from './single-input.js';

/** Constructor arguments of {@link PaddingMask}. */
export interface PaddingMaskArgs extends LayerArgs {
  /** The token id that marks padding (kdlab's vocabularies: `[PAD]` = 0). */
  padId: number;
  /** Positions prepended to the sequence after the lookup (1 for a `[CLS]` token), never padding. Default 0. */
  prefix?: number;
}

/**
 * The padding mask of a batch of token ids: `[batch, seq]` ids (floats, as kdlab's token datasets
 * give them) to `[batch, prefix + seq]` floats, 1 where a real token stands and 0 where the id is
 * `padId`; the first `prefix` positions (the `[CLS]` token a transformer prepends) are always 1.
 * The transformer's attention ignores the keys where it is 0 and its masked mean pooling averages
 * where it is 1. No weights and no gradient (ids are not differentiable). Registered with
 * `tf.serialization.registerClass` (as `PaddingMask`).
 */
export class PaddingMask extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'PaddingMask';

  /** The token id that marks padding. */
  readonly padId: number;
  /** Positions prepended, always real. */
  readonly prefix: number;

  /** @param args - the layer arguments, `padId` and `prefix` included. */
  constructor(args: PaddingMaskArgs) {
    super({ ...args, trainable: false });
    if (!Number.isSafeInteger(args.padId) || args.padId < 0) throw new Error(`PaddingMask "${this.name}": padId must be a non-negative integer, got ${String(args.padId)}.`);
    const prefix = args.prefix ?? 0;
    if (!Number.isSafeInteger(prefix) || prefix < 0) throw new Error(`PaddingMask "${this.name}": prefix must be a non-negative integer, got ${String(args.prefix)}.`);
    this.padId = args.padId;
    this.prefix = prefix;
  }

  /** `[batch, prefix + seq]`. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape, this.describe());
    if (shape.length !== 2) throw new Error(`${this.describe()} expects token ids of shape [batch, seq], got [${shape.map(String).join(', ')}].`);
    const seq = shape[1];
    return [shape[0] ?? null, typeof seq === 'number' ? seq + this.prefix : null];
  }

  /** 1 for real tokens, 0 for padding, as float32. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      // The embedding layer casts float ids to int32 (truncating); the mask reads them the same way.
      const ids = tf.cast(singleInput(inputs, this.describe()), 'int32');
      const mask = tf.cast(tf.notEqual(ids, tf.scalar(this.padId, 'int32')), 'float32');
      return this.prefix === 0 ? mask : tf.concat([tf.ones([ids.shape[0]!, this.prefix]), mask], 1);
    });
  }

  /** The layer's config: the base layer config plus `padId` and `prefix`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padId: this.padId, prefix: this.prefix };
  }

  private describe(): string {
    return `PaddingMask "${this.name}"`;
  }
}

tf.serialization.registerClass(PaddingMask);
