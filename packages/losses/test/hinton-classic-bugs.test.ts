import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hintonLoss, hintonOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';
import { hintonReference, klFromLogProbs, logSoftmax } from './support/reference.js';

useCpuBackend();

/** The hinton loss value on the cpu backend. */
function hintonValue(student: number[][], teacher: number[][], temperature: number): number {
  const loss = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(student[0]?.length ?? 0, true));
  return tf.tidy(() => {
    const inputs = logitsInputs(tf.tensor2d(student), tf.zeros([student.length], 'int32'), tf.tensor2d(teacher));
    return loss.compute(inputs).dataSync()[0] ?? Number.NaN;
  });
}

const student = [[0.2, 1.7, -0.9, 0.4], [1.0, -0.5, 0.3, 2.2]];
const teacher = [[3.1, -1.2, 0.0, 0.8], [-0.7, 0.6, 2.5, -1.9]];

describe('hinton loss: regression tests for the classic mistakes', () => {
  it.each([1, 2, 4, 20])('multiplies the KL by T² (not T, not 1) at T=%d (within 1e-5 relative of a float64 reference)', (temperature) => {
    const value = hintonValue(student, teacher, temperature);
    const kl = hintonReference(student, teacher, temperature) / temperature ** 2;
    expect(Math.abs(value - temperature ** 2 * kl)).toBeLessThanOrEqual(1e-5 * temperature ** 2 * kl + 1e-6);
    if (temperature > 1) {
      expect(Math.abs(value - temperature * kl)).toBeGreaterThan(0.1 * value);
      expect(Math.abs(value - kl)).toBeGreaterThan(0.1 * value);
    }
  });

  it("has Hinton's high-temperature gradient (s − t)/(K·B) at T=100 for zero-mean logits (within 2% of its largest entry): the T² factor keeps it independent of T", () => {
    const centre = (rows: number[][]) => rows.map((row) => row.map((v) => v - row.reduce((a, b) => a + b, 0) / row.length));
    const s = centre(student);
    const t = centre(teacher);
    const loss = hintonLoss.create(hintonOptions.parse({ temperature: 100 }), logitsContext(4, true));
    const grad = tf.tidy(() => {
      const teacherLogits = tf.tensor2d(t);
      const labels = tf.zeros([2], 'int32') as tf.Tensor1D;
      return Array.from(tf.grad((x: tf.Tensor) => loss.compute(logitsInputs(x as tf.Tensor2D, labels, teacherLogits)))(tf.tensor2d(s)).dataSync());
    });
    const expected = s.flatMap((row, b) => row.map((v, k) => (v - (t[b]?.[k] ?? Number.NaN)) / (4 * 2)));
    const largest = Math.max(...expected.map(Math.abs));
    expected.forEach((value, index) => expect(Math.abs((grad[index] ?? Number.NaN) - value)).toBeLessThanOrEqual(0.02 * largest));
  });

  it('takes KL(teacher ‖ student), not KL(student ‖ teacher) (within 1e-5 relative; the two differ by over 10%)', () => {
    const temperature = 2;
    const forward = hintonReference(student, teacher, temperature);
    const reverse = hintonReference(teacher, student, temperature);
    expect(Math.abs(forward - reverse)).toBeGreaterThan(0.1 * forward);
    const value = hintonValue(student, teacher, temperature);
    expect(Math.abs(value - forward)).toBeLessThanOrEqual(1e-5 * forward);
  });

  it('reduces by batchmean: sums over classes, averages over the batch (not a mean over all B·K entries, not a sum over the batch)', () => {
    const temperature = 4;
    const [firstStudent = [], secondStudent = []] = student;
    const [firstTeacher = [], secondTeacher = []] = teacher;
    const single = hintonValue([firstStudent], [firstTeacher], temperature);
    const perExample = temperature ** 2 * klFromLogProbs(logSoftmax(firstTeacher, temperature), logSoftmax(firstStudent, temperature));
    expect(Math.abs(single - perExample)).toBeLessThanOrEqual(1e-5 * perExample);
    // A batch of three copies of one example has the same loss as that example (a sum would triple it).
    const tripled = hintonValue([firstStudent, firstStudent, firstStudent], [firstTeacher, firstTeacher, firstTeacher], temperature);
    expect(Math.abs(tripled - single)).toBeLessThanOrEqual(1e-5 * single);
    // Two different examples: the mean of their losses (a mean over B·K entries would divide it by K = 4).
    const second = hintonValue([secondStudent], [secondTeacher], temperature);
    const pair = hintonValue(student, teacher, temperature);
    expect(Math.abs(pair - (single + second) / 2)).toBeLessThanOrEqual(1e-5 * pair);
  });

  it('is zero when the student equals the teacher, whatever the temperature (within 1e-5)', () => {
    for (const temperature of [1, 4, 20]) expect(Math.abs(hintonValue(teacher, teacher, temperature))).toBeLessThanOrEqual(1e-5);
  });

  describe('treats the teacher logits as constants: no gradient flows into the teacher', () => {
    it('tf.grads w.r.t. student and teacher logits: the teacher part is all zeros, the student part is not', () => {
      const loss = hintonLoss.create(hintonOptions.parse({ temperature: 4 }), logitsContext(4, true));
      const labels = tf.zeros([2], 'int32') as tf.Tensor1D;
      const [studentGrad, teacherGrad] = tf.grads((s: tf.Tensor, t: tf.Tensor) =>
        loss.compute(logitsInputs(s as tf.Tensor2D, labels, t as tf.Tensor2D)),
      )([tf.tensor2d(student), tf.tensor2d(teacher)]);
      expect(Array.from(teacherGrad?.dataSync() ?? [Number.NaN]).every((value) => value === 0)).toBe(true);
      expect(Array.from(studentGrad?.dataSync() ?? []).some((value) => Math.abs(value) > 1e-3)).toBe(true);
      tf.dispose([labels, studentGrad, teacherGrad]);
    });

    it('a teacher weight used on the same gradient tape gets a zero gradient, the student weight a non-zero one', () => {
      const loss = hintonLoss.create(hintonOptions.parse({ temperature: 2 }), logitsContext(4, true));
      const inputs = tf.tensor2d([[1, -1, 0.5], [0.2, 0.3, -2]]);
      const labels = tf.zeros([2], 'int32') as tf.Tensor1D;
      const studentWeights = tf.variable(tf.tensor2d([[0.1, -0.2, 0.3, 0.0], [0.5, 0.1, -0.4, 0.2], [0.0, 0.3, 0.1, -0.1]]), true, 'student_w');
      const teacherWeights = tf.variable(tf.tensor2d([[1.0, -0.5, 0.2, 0.3], [-0.3, 0.8, 0.0, 0.6], [0.4, 0.1, -0.9, 0.2]]), true, 'teacher_w');
      const { value, grads } = tf.variableGrads(
        () => loss.compute(logitsInputs(tf.matMul(inputs, studentWeights), labels, tf.matMul(inputs, teacherWeights))),
        [studentWeights, teacherWeights],
      );
      const teacherGrad = Array.from(grads['teacher_w']?.dataSync() ?? []);
      expect(teacherGrad).toHaveLength(12);
      expect(teacherGrad.every((entry) => entry === 0)).toBe(true);
      expect(Array.from(grads['student_w']?.dataSync() ?? []).some((entry) => Math.abs(entry) > 1e-3)).toBe(true);
      tf.dispose([value, inputs, labels, studentWeights, teacherWeights, ...Object.values(grads)]);
    });
  });
});
