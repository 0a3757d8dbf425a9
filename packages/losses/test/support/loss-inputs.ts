import type * as tf from '@tensorflow/tfjs-core';
import type { LossContext, LossInputs } from '@kdlab/core';

/** A loss context for logits-only losses: no feature taps, seed 0. */
export function logitsContext(numClasses: number, hasTeacher: boolean): LossContext {
  return { numClasses, hasTeacher, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: 1000 };
}

/** Loss inputs made of logits only (no feature taps); `teacher` is left out when not given. */
export function logitsInputs(student: tf.Tensor2D, labels: tf.Tensor1D, teacher?: tf.Tensor2D): LossInputs {
  return {
    student: { logits: student, features: {} },
    ...(teacher ? { teacher: { logits: teacher, features: {} } } : {}),
    labels,
    indices: Int32Array.from({ length: student.shape[0] }, (_, i) => i),
    training: true,
  };
}
