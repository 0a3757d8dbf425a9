import * as tf from '@tensorflow/tfjs-core';
import { FusedAdamOptimizer } from './optimizers/fused-adam-optimizer.js';
import type { OptimizerSettings } from './train-settings.js';

/**
 * Creates the TensorFlow.js optimizer the settings describe: Adam as kdlab's {@link FusedAdamOptimizer}
 * (tfjs' Adam, bit for bit, in one pass per variable), SGD and momentum as tfjs' own. The caller disposes it.
 */
export function createOptimizer(settings: OptimizerSettings): tf.Optimizer {
  switch (settings.kind) {
    case 'adam':
      return new FusedAdamOptimizer(settings);
    case 'sgd':
      return settings.momentum > 0
        ? tf.train.momentum(settings.learningRate, settings.momentum, settings.nesterov)
        : tf.train.sgd(settings.learningRate);
  }
}
