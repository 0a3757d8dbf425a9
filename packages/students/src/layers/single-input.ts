import type * as tf from '@tensorflow/tfjs-core';

/**
 * The one tensor a single-input layer was called with (tfjs hands layers either a tensor or a list).
 * Throws naming the layer when it got several.
 *
 * @param inputs - what `Layer.call` received.
 * @param layer - the layer's class and name, for the error (`MultiHeadSelfAttention "layer1_attention"`).
 */
export function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  const [first] = inputs;
  if (inputs.length !== 1 || first === undefined) throw new Error(`${layer} takes exactly one input tensor, got ${inputs.length}.`);
  return first;
}

/**
 * The one shape a single-input layer is built or asked about (tfjs passes a shape or a list of them).
 *
 * @param shape - what `build` or `computeOutputShape` received.
 * @param layer - the layer's class and name, for the error.
 */
export function singleShape(shape: (number | null)[] | (number | null)[][], layer: string): (number | null)[] {
  if (shape.length > 0 && Array.isArray(shape[0])) {
    const shapes = shape as (number | null)[][];
    if (shapes.length !== 1) throw new Error(`${layer} takes exactly one input, got ${shapes.length} shapes.`);
    return shapes[0]!;
  }
  return shape as (number | null)[];
}

/**
 * The shape `[batch, seq, hidden]` a sequence layer is built with, checked: rank 3 with a known hidden
 * size (the sequence length may be unknown).
 *
 * @param shape - what `build` received.
 * @param layer - the layer's class and name, for the error.
 * @returns the sequence length (or null) and the hidden size.
 */
export function sequenceShape(shape: (number | null)[] | (number | null)[][], layer: string): { seq: number | null; hidden: number } {
  const single = singleShape(shape, layer);
  const [, seq, hidden] = single;
  if (single.length !== 3 || typeof hidden !== 'number') {
    throw new Error(`${layer} expects input of shape [batch, seq, hidden] with a known hidden size, got [${single.map(String).join(', ')}].`);
  }
  return { seq: seq ?? null, hidden };
}
