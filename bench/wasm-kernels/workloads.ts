import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** One training step to time, built once per backend. */
export interface Workload {
  /** Short name for the table. */
  name: string;
  /** What it trains. */
  description: string;
  /** Examples per step. */
  batchSize: number;
  /** Runs one optimiser step (all tensors it makes are freed). */
  step: () => void;
  /** Frees the models, the optimiser and the data. */
  dispose: () => void;
}

const BATCH_SIZE = 128;

function dense(units: number[], inputSize: number): tfl.Sequential {
  const model = tfl.sequential();
  units.forEach((size, index) =>
    model.add(
      tfl.layers.dense({
        units: size,
        activation: index === units.length - 1 ? 'linear' : 'relu',
        ...(index === 0 ? { inputShape: [inputSize] } : {}),
      }),
    ),
  );
  return model;
}

function labels(seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.cast(tf.floor(tf.randomUniform([BATCH_SIZE], 0, 10, 'float32', seed)), 'int32'), 10) as tf.Tensor2D);
}

function trainable(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

function adamStep(optimizer: tf.Optimizer, variables: tf.Variable[], loss: () => tf.Scalar): () => void {
  return () => {
    const value = optimizer.minimize(loss, true, variables);
    value?.dispose();
  };
}

function disposeAll(optimizer: tf.Optimizer, models: tfl.LayersModel[], tensors: tf.Tensor[]): void {
  optimizer.dispose();
  models.forEach((model) => model.dispose());
  tf.dispose(tensors);
}

/** One model's step on softmax cross-entropy with Adam, on random inputs of `inputShape` (seed `seed`) and random labels (seed `seed + 1`). */
function crossEntropyStep(name: string, description: string, model: tfl.LayersModel, inputShape: number[], seed: number): Workload {
  const x = tf.randomNormal([BATCH_SIZE, ...inputShape], 0, 1, 'float32', seed);
  const y = labels(seed + 1);
  const optimizer = tf.train.adam(1e-3);
  return {
    name,
    description,
    batchSize: BATCH_SIZE,
    step: adamStep(optimizer, trainable(model), () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar),
    dispose: () => disposeAll(optimizer, [model], [x, y]),
  };
}

/** MLP teacher step: 784-1200-1200-10 with ReLU, softmax cross-entropy, Adam. */
export function mlpTeacherStep(): Workload {
  return crossEntropyStep('MLP teacher step', '784-1200-1200-10, Adam, batch 128', dense([1200, 1200, 10], 784), [784], 1);
}

/** KD step: frozen 784-1200-1200-10 teacher, 784-800-800-10 student, hard + soft (T = 4) loss, Adam. */
export function kdStep(): Workload {
  const teacher = dense([1200, 1200, 10], 784);
  const student = dense([800, 800, 10], 784);
  const x = tf.randomNormal([BATCH_SIZE, 784], 0, 1, 'float32', 3);
  const y = labels(4);
  const temperature = 4;
  const optimizer = tf.train.adam(1e-3);
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const teacherProbabilities = tf.softmax(tf.div(teacher.apply(x) as tf.Tensor, temperature));
      const logits = student.apply(x) as tf.Tensor;
      const hard = tf.losses.softmaxCrossEntropy(y, logits);
      const soft = tf.losses.softmaxCrossEntropy(teacherProbabilities, tf.div(logits, temperature));
      return tf.add(tf.mul(hard, 0.3), tf.mul(soft, 0.7 * temperature * temperature)) as tf.Scalar;
    });
  return {
    name: 'KD step',
    description: 'frozen teacher 1200-1200 + student 800-800, Adam, batch 128',
    batchSize: BATCH_SIZE,
    step: adamStep(optimizer, trainable(student), loss),
    dispose: () => disposeAll(optimizer, [teacher, student], [x, y]),
  };
}

/** Small CNN step: conv32-conv64 (3x3 same, ReLU) - maxpool 2 - dense 128 - 10, Adam, on 28x28x1. */
export function cnnStep(): Workload {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 10 }));
  return crossEntropyStep('CNN step', 'conv32-conv64-pool-128-10 on 28x28x1, Adam, batch 128', model, [28, 28, 1], 5);
}
