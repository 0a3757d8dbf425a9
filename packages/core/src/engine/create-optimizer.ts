import * as tf from '@tensorflow/tfjs-core';
import { FusedAdamOptimizer } from './optimizers/fused-adam-optimizer.js';
import type { OptimizerSettings } from './train-settings.js';

/**
 * tfjs' momentum optimizer, whose `dispose` also frees its learning-rate scalar (tfjs 4.22's
 * `MomentumOptimizer.dispose` overrides SGD's without freeing it: one tensor leaked per optimizer).
 */
class MomentumOptimizerFreeingRate extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/**
 * Creates the TensorFlow.js optimizer the settings describe: Adam as kdlab's {@link FusedAdamOptimizer}
 * (tfjs' Adam, bit for bit, in one pass per variable), SGD and momentum as tfjs' own. The caller disposes it.
 */
export function createOptimizer(settings: OptimizerSettings): tf.Optimizer {
  switch (settings.kind) {
    case 'adam':
      return new FusedAdamOptimizer(settings);
    case 'sgd':
      return settings.momentum > 0 ? new MomentumOptimizerFreeingRate(settings.learningRate, settings.momentum, settings.nesterov) : tf.train.sgd(settings.learningRate);
  }
}

/** An optimizer whose step size can change between steps (tfjs' SGD and momentum, kdlab's Adam). */
interface LearningRateSettable {
  setLearningRate(learningRate: number): void;
}

/**
 * Sets the step size of an optimizer made by {@link createOptimizer} for the steps that follow.
 * @throws Error for an optimizer that cannot change its step size.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const settable = optimizer as Partial<LearningRateSettable>;
  if (typeof settable.setLearningRate !== 'function') throw new Error(`The ${optimizer.getClassName()} optimizer cannot change its learning rate during training.`);
  settable.setLearningRate(learningRate);
}
