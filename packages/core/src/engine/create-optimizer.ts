import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSettings } from './train-settings.js';

/** Creates the TensorFlow.js optimizer the settings describe. The caller disposes it. */
export function createOptimizer(settings: OptimizerSettings): tf.Optimizer {
  switch (settings.kind) {
    case 'adam':
      return tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
    case 'sgd':
      return settings.momentum > 0
        ? tf.train.momentum(settings.learningRate, settings.momentum, settings.nesterov)
        : tf.train.sgd(settings.learningRate);
  }
}
