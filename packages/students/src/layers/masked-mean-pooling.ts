import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maskedSequenceInputs, maskedSequenceShapes } from './masked-sequence.js';

/**
 * Mean pooling over the real tokens of a padded sequence: inputs `[hidden states, mask]`,
 * `[batch, seq, hidden]` and `[batch, seq]` (1 for a real token, 0 for padding, as
 * {@link PaddingMask} gives it), output `[batch, hidden]`: `sum(x * mask) / max(sum(mask), 1)` over
 * the sequence, so padding weighs nothing and a row of padding only pools to zeros. No weights.
 * Registered with `tf.serialization.registerClass` (as `MaskedMeanPooling`).
 */
export class MaskedMeanPooling extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'MaskedMeanPooling';

  /** Drops the sequence axis: `[batch, hidden]`. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const { states } = maskedSequenceShapes(inputShape, this.describe(), true);
    return [states[0] ?? null, states[2] ?? null];
  }

  /** Averages the hidden states where the mask is 1. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const { states, mask } = maskedSequenceInputs(inputs, this.describe(), true);
      const weights = tf.expandDims(mask!, 2);
      const total = tf.sum(tf.mul(states, weights), 1);
      return tf.div(total, tf.maximum(tf.sum(weights, 1), 1));
    });
  }

  private describe(): string {
    return `MaskedMeanPooling "${this.name}"`;
  }
}

tf.serialization.registerClass(MaskedMeanPooling);
