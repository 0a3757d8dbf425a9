import { deriveSeed } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers initializer (the class is exported only through the factory functions). */
export type LayerInitializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/**
 * Glorot-uniform (Xavier) initializer seeded from the model seed and the weight's label,
 * so every weight draws from its own stream.
 *
 * @param seed - the model's seed (`context.seed`).
 * @param label - the weight's name inside the model, e.g. `hidden1/kernel`.
 */
export function glorotUniformInit(seed: number, label: string): LayerInitializer {
  return tfl.initializers.glorotUniform({ seed: deriveSeed(seed, label) });
}

/**
 * He (Kaiming) normal initializer over the fan-out, `std = sqrt(2 / fanOut)`, as the CIFAR ResNets of
 * He et al. and RepDistiller initialise their convolutions (tfjs draws it truncated at two standard deviations).
 *
 * @param seed - the model's seed.
 * @param label - the weight's name inside the model.
 */
export function heNormalFanOutInit(seed: number, label: string): LayerInitializer {
  return tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: deriveSeed(seed, label) });
}

/**
 * He (Kaiming) normal initializer over the fan-in, `std = sqrt(2 / fanIn)`, for convolutions followed by ReLU.
 *
 * @param seed - the model's seed.
 * @param label - the weight's name inside the model.
 */
export function heNormalInit(seed: number, label: string): LayerInitializer {
  return tfl.initializers.heNormal({ seed: deriveSeed(seed, label) });
}

/**
 * Uniform in `[-1/sqrt(fanIn), 1/sqrt(fanIn)]`: PyTorch's default for `nn.Linear` weights.
 *
 * @param seed - the model's seed.
 * @param label - the weight's name inside the model.
 */
export function torchLinearInit(seed: number, label: string): LayerInitializer {
  return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: deriveSeed(seed, label) });
}

/**
 * Truncated normal with the given standard deviation (BERT's embeddings use 0.02).
 *
 * @param seed - the model's seed.
 * @param label - the weight's name inside the model.
 * @param stddev - standard deviation before truncation at two standard deviations.
 */
export function truncatedNormalInit(seed: number, label: string, stddev: number): LayerInitializer {
  return tfl.initializers.truncatedNormal({ mean: 0, stddev, seed: deriveSeed(seed, label) });
}
