import * as tfl from '@tensorflow/tfjs-layers';

/** Moving-average momentum of kdlab's batch norm, in Keras's convention: PyTorch's `momentum=0.1`. */
export const BATCH_NORM_MOMENTUM = 0.9;
/** Epsilon of kdlab's batch norm: PyTorch's default. */
export const BATCH_NORM_EPSILON = 1e-5;

/**
 * A batch-normalisation layer over the channel (last) axis with PyTorch's defaults: it normalises
 * with the batch's statistics and updates its moving mean and variance (non-trainable weights,
 * `moving = 0.9 * moving + 0.1 * batch`) while training, and uses the moving statistics at inference.
 *
 * @param name - the layer's name.
 */
export function batchNorm(name: string): ReturnType<typeof tfl.layers.batchNormalization> {
  return tfl.layers.batchNormalization({ name, axis: -1, momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON });
}
