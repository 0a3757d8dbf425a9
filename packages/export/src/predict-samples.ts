// Browser-safe: the exported page predicts with this very function, and so does Node.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SampleSet } from './sample-file.js';

/** What a model predicted for a {@link SampleSet}. */
export interface SamplePredictions {
  /** The model's first output, row-major, `count * numClasses` values (a kdlab model's logits). */
  readonly outputs: Float32Array;
  /** Softmax of {@link SamplePredictions.outputs}, row by row. */
  readonly probabilities: Float32Array;
  /** The predicted class of each example: the index of its largest output (the first on ties). */
  readonly predictions: Int32Array;
  /** Number of classes: the width of the first output. */
  readonly numClasses: number;
  /** Examples whose prediction differs from their label. */
  readonly errors: number;
  /** `1 - errors / count`. */
  readonly accuracy: number;
}

/**
 * The input shape to feed a model one example of the samples with: the model's own input shape when
 * it is fully known (the samples' values reshaped: an MLP taking `[784]` is fed `[28, 28, 1]` digits),
 * else the samples' shape.
 *
 * @param model - the loaded model.
 * @param samples - the examples.
 * @throws Error naming both shapes when an example does not hold as many values as the model takes.
 */
export function modelInputShape(model: tfl.LayersModel, samples: Pick<SampleSet, 'inputShape'>): number[] {
  const declared = model.inputs[0]?.shape.slice(1) ?? [];
  const width = samples.inputShape.reduce((a, b) => a * b, 1);
  if (declared.length > 0 && declared.every((d): d is number => typeof d === 'number' && d > 0)) {
    const modelWidth = declared.reduce((a, b) => a * b, 1);
    if (modelWidth !== width) throw new Error(`The model takes inputs of shape [${declared.join(', ')}] (${modelWidth} values); the samples have shape [${samples.inputShape.join(', ')}] (${width} values).`);
    return declared;
  }
  return [...samples.inputShape];
}

/** Index of the largest of `values[start, start + width)`, the first one on ties. */
function argmax(values: Float32Array, start: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c += 1) if (values[start + c]! > values[start + best]!) best = c;
  return best;
}

/**
 * Runs a loaded model over labelled examples in inference mode, `batchSize` at a time, and returns
 * its first output (a kdlab model's logits), their softmax, the predicted classes and the accuracy.
 * The exported page (`kdlab export`) and Node call this same function, on whatever backend
 * TensorFlow.js runs.
 *
 * @param model - the model, loaded with `tf.loadLayersModel`.
 * @param samples - the examples.
 * @param batchSize - examples per forward pass.
 * @throws Error when an example's size does not match the model's input (see {@link modelInputShape}).
 */
export async function predictSamples(model: tfl.LayersModel, samples: SampleSet, batchSize: number): Promise<SamplePredictions> {
  const inputShape = modelInputShape(model, samples);
  const width = samples.inputShape.reduce((a, b) => a * b, 1);
  let outputs: Float32Array | undefined;
  let probabilities: Float32Array | undefined;
  let numClasses = 0;
  for (let start = 0; start < samples.count; start += batchSize) {
    const size = Math.min(batchSize, samples.count - start);
    const [logits, softmax] = tf.tidy(() => {
      const x = tf.tensor(samples.x.subarray(start * width, (start + size) * width), [size, ...inputShape]);
      const output = model.predict(x);
      const first = Array.isArray(output) ? output[0]! : output;
      return [first, tf.softmax(first)];
    });
    numClasses = logits.shape[logits.shape.length - 1]!;
    outputs ??= new Float32Array(samples.count * numClasses);
    probabilities ??= new Float32Array(samples.count * numClasses);
    outputs.set((await logits.data()) as Float32Array, start * numClasses);
    probabilities.set((await softmax.data()) as Float32Array, start * numClasses);
    tf.dispose([logits, softmax]);
  }
  outputs ??= new Float32Array(0);
  probabilities ??= new Float32Array(0);
  const predictions = new Int32Array(samples.count);
  let errors = 0;
  for (let i = 0; i < samples.count; i += 1) {
    predictions[i] = argmax(outputs, i * numClasses, numClasses);
    if (predictions[i] !== samples.y[i]) errors += 1;
  }
  return { outputs, probabilities, predictions, numClasses, errors, accuracy: samples.count === 0 ? 0 : 1 - errors / samples.count };
}
