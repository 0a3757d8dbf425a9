import * as tf from '@tensorflow/tfjs-core';
import type { LossContext, LossDefinition, LossInputs, LossInstance } from '@kdlab/core';
import { flatNumbers, nestedShape, type FeatureGoldenCase, type NestedNumbers } from './golden.js';

/** Number of classes of the dummy logits that feature-loss inputs carry. */
const DUMMY_CLASSES = 3;

/**
 * A loss context for feature losses: the taps' shapes (without batch), a teacher, 3 classes, seed 0
 * and 1000 training examples unless overridden.
 */
export function featureContext(
  studentShapes: Record<string, number[]>,
  teacherShapes: Record<string, number[]>,
  overrides: Partial<LossContext> = {},
): LossContext {
  return {
    numClasses: DUMMY_CLASSES,
    hasTeacher: true,
    studentFeatureShapes: studentShapes,
    teacherFeatureShapes: teacherShapes,
    seed: 0,
    trainSize: 1000,
    ...overrides,
  };
}

/** The shapes without batch of named nested arrays (as a golden case holds its taps). */
export function shapesOf(taps: Record<string, NestedNumbers>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(taps).map(([name, values]) => [name, nestedShape(values).slice(1)]));
}

/** The shapes without batch of named tensors. */
export function tensorShapes(taps: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(taps).map(([name, tensor]) => [name, tensor.shape.slice(1)]));
}

/** Settings of {@link featureInputs} beyond the taps. */
export interface FeatureInputOptions {
  /** The batch's example indices (default `0..B-1`). */
  indices?: Int32Array;
  /** Whether it is a training step (default `true`). */
  training?: boolean;
}

/**
 * Loss inputs made of feature taps (dummy zero logits and labels beside them, which feature losses
 * ignore). Call it inside `tf.tidy` (or a gradient tape), which frees those dummies.
 */
export function featureInputs(
  student: Record<string, tf.Tensor>,
  teacher: Record<string, tf.Tensor>,
  options: FeatureInputOptions = {},
): LossInputs {
  const batch = Object.values(student)[0]?.shape[0] ?? 1;
  const logits = tf.zeros([batch, DUMMY_CLASSES]) as tf.Tensor2D;
  const labels = tf.zeros([batch], 'int32') as tf.Tensor1D;
  return {
    student: { logits, features: student },
    teacher: { logits, features: teacher },
    labels,
    indices: options.indices ?? Int32Array.from({ length: batch }, (_, i) => i),
    training: options.training ?? true,
  };
}

/** Tensors of named nested arrays. */
export function tensorsOf(taps: Record<string, NestedNumbers>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(taps).map(([name, values]) => [name, tf.tensor(flatNumbers(values), nestedShape(values))]));
}

/** A loss's value and gradients, flattened. */
export interface ValueAndGradients {
  /** The loss value. */
  value: number;
  /** The gradient w.r.t. each student tap, by name. */
  gradStudent: Record<string, number[]>;
  /** The gradient w.r.t. each of the loss's variables, in order. */
  gradVariables: number[][];
}

/**
 * Computes a created loss's value and its gradients w.r.t. the student taps and the loss's own
 * variables in one gradient tape (the student taps become temporary variables).
 */
export function valueAndGradients(loss: LossInstance, student: Record<string, tf.Tensor>, teacher: Record<string, tf.Tensor>, options: FeatureInputOptions = {}): ValueAndGradients {
  const studentVariables = Object.fromEntries(Object.entries(student).map(([name, tensor]) => [name, tf.variable(tensor, true)]));
  const all = [...Object.values(studentVariables), ...loss.variables];
  const { value, grads } = tf.variableGrads(() => {
    const inputs = featureInputs(studentVariables, teacher, options);
    return loss.compute(inputs);
  }, all);
  const read = (variable: tf.Variable): number[] => Array.from(grads[variable.name]?.dataSync() ?? []);
  const result: ValueAndGradients = {
    value: value.dataSync()[0] ?? Number.NaN,
    gradStudent: Object.fromEntries(Object.entries(studentVariables).map(([name, variable]) => [name, read(variable)])),
    gradVariables: loss.variables.map(read),
  };
  tf.dispose([value, ...Object.values(grads), ...Object.values(studentVariables)]);
  return result;
}

/** Assigns known values to a loss's variables (a golden case's initial weights). */
export function assignVariables(loss: LossInstance, values: readonly NestedNumbers[]): void {
  if (values.length !== loss.variables.length) {
    throw new Error(`assignVariables: ${values.length} values for ${loss.variables.length} variables.`);
  }
  loss.variables.forEach((variable, index) => {
    const nested = values[index] ?? [];
    const shape = nestedShape(nested);
    if (shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`assignVariables: variable ${index} (${variable.name}) has shape [${variable.shape.join(',')}], the case gives [${shape.join(',')}].`);
    }
    tf.tidy(() => variable.assign(tf.tensor(flatNumbers(nested), shape)));
  });
}

/**
 * Runs one golden case of a feature loss: creates the loss from the case's options and tap shapes,
 * assigns the case's initial variables, and returns the value and gradients.
 */
export function runFeatureCase<Definition extends LossDefinition>(definition: Definition, testCase: FeatureGoldenCase): ValueAndGradients {
  const options = definition.options.parse(testCase.options);
  const loss = definition.create(options, featureContext(shapesOf(testCase.student), shapesOf(testCase.teacher)));
  try {
    if (testCase.variables) assignVariables(loss, testCase.variables);
    const student = tensorsOf(testCase.student);
    const teacher = tensorsOf(testCase.teacher);
    const result = valueAndGradients(loss, student, teacher);
    tf.dispose([...Object.values(student), ...Object.values(teacher)]);
    return result;
  } finally {
    loss.dispose();
  }
}

/** The gradient of a loss w.r.t. each teacher tap, flattened (expected all zeros: the teacher is a constant). */
export function teacherGradients(loss: LossInstance, student: Record<string, tf.Tensor>, teacher: Record<string, tf.Tensor>): number[][] {
  const names = Object.keys(teacher);
  const gradients = tf.grads((...teacherTaps: tf.Tensor[]) => {
    const taps = Object.fromEntries(names.map((name, index) => [name, teacherTaps[index]!]));
    return loss.compute(featureInputs(student, taps));
  })(names.map((name) => teacher[name]!));
  const flat = gradients.map((gradient) => Array.from(gradient.dataSync()));
  tf.dispose(gradients);
  return flat;
}

/** How many tensors one `compute` leaves allocated besides its result (expected 0). */
export function tensorsLeftByCompute(loss: LossInstance, student: Record<string, tf.Tensor>, teacher: Record<string, tf.Tensor>, options: FeatureInputOptions = {}): number {
  const inputs = featureInputs(student, teacher, options);
  const before = tf.memory().numTensors;
  const value = loss.compute(inputs);
  const left = tf.memory().numTensors - before - 1;
  tf.dispose([value, inputs.student.logits, inputs.labels]);
  return left;
}
