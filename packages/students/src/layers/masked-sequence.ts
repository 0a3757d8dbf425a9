import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The inputs of a sequence layer that may take a padding mask. */
export interface MaskedSequenceInputs {
  /** The hidden states, `[batch, seq, hidden]`. */
  states: tf.Tensor;
  /** The padding mask, `[batch, seq]` (1 real, 0 padding), when given. */
  mask: tf.Tensor | undefined;
}

/** The shapes of a sequence layer's inputs that may include a padding mask. */
export interface MaskedSequenceShapes {
  /** The hidden states' shape. */
  states: (number | null)[];
  /** The mask's shape, when a mask is an input. */
  mask: (number | null)[] | undefined;
}

function isShapeList(shape: tfl.Shape | tfl.Shape[]): shape is tfl.Shape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

/**
 * The hidden states and the optional padding mask a sequence layer was called with (`x` or
 * `[x]` or `[x, mask]`). Throws naming the layer for any other count, or when `required` and no
 * mask came.
 *
 * @param inputs - what `Layer.call` received.
 * @param layer - the layer's class and name, for the error.
 * @param required - whether the mask must be there.
 */
export function maskedSequenceInputs(inputs: tf.Tensor | tf.Tensor[], layer: string, required = false): MaskedSequenceInputs {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length < 1 || list.length > 2 || (required && list.length !== 2)) {
    throw new Error(`${layer} takes ${required ? 'two inputs, [hidden states, mask]' : 'the hidden states and optionally a padding mask'}, got ${list.length} input tensors.`);
  }
  return { states: list[0]!, mask: list[1] };
}

/**
 * The shapes of {@link maskedSequenceInputs}: `[batch, seq, hidden]` and `[batch, seq]`, checked
 * (ranks, and equal sequence lengths where both are known).
 *
 * @param shape - what `build` or `computeOutputShape` received.
 * @param layer - the layer's class and name, for the error.
 * @param required - whether the mask must be there.
 */
export function maskedSequenceShapes(shape: tfl.Shape | tfl.Shape[], layer: string, required = false): MaskedSequenceShapes {
  const list = isShapeList(shape) ? shape : [shape];
  if (list.length < 1 || list.length > 2 || (required && list.length !== 2)) {
    throw new Error(`${layer} takes ${required ? 'two inputs, [hidden states, mask]' : 'the hidden states and optionally a padding mask'}, got ${list.length} input shapes.`);
  }
  const [states, mask] = list as [(number | null)[], (number | null)[] | undefined];
  const text = (s: (number | null)[]) => `[${s.map(String).join(', ')}]`;
  if (states.length !== 3) throw new Error(`${layer} expects hidden states of shape [batch, seq, hidden], got ${text(states)}.`);
  if (mask !== undefined) {
    if (mask.length !== 2) throw new Error(`${layer} expects a padding mask of shape [batch, seq], got ${text(mask)}.`);
    if (typeof mask[1] === 'number' && typeof states[1] === 'number' && mask[1] !== states[1]) {
      throw new Error(`${layer}: the padding mask covers ${mask[1]} positions, the hidden states have ${states[1]} (shapes ${text(mask)} and ${text(states)}).`);
    }
  }
  return { states, mask };
}
