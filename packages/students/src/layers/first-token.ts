import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { singleInput, singleShape } from './single-input.js';

/**
 * Reads the hidden state of the first token: `[batch, seq, hidden]` to `[batch, hidden]`
 * (the `[CLS]` pooling of BERT and ViT). Has no weights. Registered with
 * `tf.serialization.registerClass` (as `FirstToken`).
 */
export class FirstToken extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'FirstToken';

  /** Drops the sequence axis: `[batch, hidden]`. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape, this.describe());
    if (shape.length !== 3) throw new Error(`${this.describe()} expects input of shape [batch, seq, hidden], got [${shape.map(String).join(', ')}].`);
    return [shape[0] ?? null, shape[2] ?? null];
  }

  /** Slices out position 0 of every example. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = singleInput(inputs, this.describe());
      const [batch, , hidden] = x.shape as [number, number, number];
      return tf.reshape(tf.slice(x, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]);
    });
  }

  private describe(): string {
    return `FirstToken "${this.name}"`;
  }
}

tf.serialization.registerClass(FirstToken);
