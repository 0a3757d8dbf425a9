import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer } from './apply-layer.js';

/** A model input and the image it is seen as. */
export interface ImageInput {
  /** The model's input, shaped like `context.inputShape`. */
  input: tfl.SymbolicTensor;
  /** The input as an NHWC image: `[batch, height, width, channels]` (a channel axis is added to `[height, width]` inputs). */
  image: tfl.SymbolicTensor;
}

/**
 * Makes the input of an image model: `[height, width, channels]` inputs are used as they are,
 * `[height, width]` ones get a channel axis (a `reshape` layer named `add_channel`); any other
 * rank is an error naming the family and the shape.
 *
 * @param kind - the family id, for error messages.
 * @param inputShape - `context.inputShape`.
 */
export function imageInput(kind: string, inputShape: readonly number[]): ImageInput {
  if (inputShape.length !== 2 && inputShape.length !== 3) {
    throw new Error(
      `${kind}: context.inputShape must be [height, width] or [height, width, channels], got [${inputShape.join(', ')}].`,
    );
  }
  const input = tfl.input({ shape: [...inputShape], name: 'input' });
  if (inputShape.length === 3) return { input, image: input };
  const [height, width] = inputShape as [number, number];
  return { input, image: applyLayer(tfl.layers.reshape({ name: 'add_channel', targetShape: [height, width, 1] }), input) };
}
