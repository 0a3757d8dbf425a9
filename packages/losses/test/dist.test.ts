import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dist, distLoss, distOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { expectClose } from './support/expect-close.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';

useCpuBackend();
const golden = readGolden();

/** The `dist` value on logits. */
function distValue(options: Record<string, unknown>, student: number[][], teacher: number[][]): number {
  const loss = distLoss.create(distOptions.parse(options), logitsContext(student[0]?.length ?? 0, true));
  return tf.tidy(() => loss.compute(logitsInputs(tf.tensor2d(student), tf.zeros([student.length], 'int32'), tf.tensor2d(teacher))).dataSync()[0] ?? Number.NaN);
}

const student = [[0.3, 1.8, -0.6, 0.9], [0.2, -0.4, 1.0, 0.0], [1.1, 0.0, -0.3, 0.5]];
const teacher = [[2.2, 0.4, -1.5, 1.0], [-0.3, 0.8, 0.5, 2.0], [0.7, 1.9, -1.0, 0.1]];

describe('dist loss (DIST)', () => {
  describe("matches the authors' DIST module in PyTorch (value within 1e-6 + 1e-5·|value|, gradient within 1e-6 + 1e-5·|g| per entry)", () => {
    for (const testCase of golden.dist) {
      it(testCase.name, () => {
        const loss = distLoss.create(distOptions.parse(testCase.options), logitsContext(testCase.student[0]?.length ?? 0, true));
        const labels = tf.tensor1d(testCase.labels, 'int32');
        const teacherLogits = tf.tensor2d(testCase.teacher);
        const studentLogits = tf.tensor2d(testCase.student);
        const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacherLogits)))(studentLogits);
        expectClose(value.dataSync(), [testCase.loss], 1e-6, 1e-5);
        expectClose(grad.dataSync(), testCase.gradStudent.flat(), 1e-6, 1e-5);
        tf.dispose([labels, teacherLogits, studentLogits, value, grad]);
      });
    }
  });

  it.each([1, 4])('has a gradient that agrees with float64 central differences at τ = %d (h = τ·3e-3, 1e-4 + 2e-3·|g|: a small step, as the intra-class Pearson of 3 examples curves sharply, so float32 round-off of the value near 2 is larger)', (temperature) => {
    const loss = distLoss.create(distOptions.parse({ temperature }), logitsContext(4, true));
    const labels = tf.zeros([3], 'int32') as tf.Tensor1D;
    const teacherLogits = tf.tensor2d(teacher);
    const studentLogits = tf.tensor2d(student);
    const check = checkGradient((s) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacherLogits)), studentLogits, {
      step: temperature * 3e-3,
      absoluteTolerance: 1e-4,
    });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([labels, teacherLogits, studentLogits]);
  });

  it('is zero when the student predicts the teacher\'s probabilities (logits shifted per row, within 1e-6)', () => {
    const shifted = teacher.map((row, b) => row.map((value) => value + 3 * b - 1));
    expect(Math.abs(distValue({}, shifted, teacher))).toBeLessThanOrEqual(1e-6);
    expect(distValue({}, student, teacher)).toBeGreaterThan(0.01);
  });

  it('weights the inter-class term by beta and the intra-class term by gamma, times τ² (within 1e-5 relative)', () => {
    const inter = distValue({ beta: 1, gamma: 0 }, student, teacher);
    const intra = distValue({ beta: 0, gamma: 1 }, student, teacher);
    expect(inter).toBeGreaterThan(0);
    expect(intra).toBeGreaterThan(0);
    expect(inter).not.toBeCloseTo(intra, 3);
    const combined = distValue({ beta: 2, gamma: 0.5 }, student, teacher);
    expect(Math.abs(combined - (2 * inter + 0.5 * intra))).toBeLessThanOrEqual(1e-5 * combined);
    const hot = distValue({ beta: 1, gamma: 0, temperature: 2 }, student, teacher);
    const hotInter = distValue({ beta: 1, gamma: 0, temperature: 1 }, student.map((row) => row.map((v) => v / 2)), teacher.map((row) => row.map((v) => v / 2)));
    expect(Math.abs(hot - 4 * hotInter)).toBeLessThanOrEqual(1e-5 * hot);
  });

  it('checks its inputs and treats the teacher logits as constants', () => {
    const loss = distLoss.create(distOptions.parse({}), logitsContext(4, true));
    tf.tidy(() => {
      const labels = tf.zeros([3], 'int32') as tf.Tensor1D;
      expect(() => loss.compute(logitsInputs(tf.zeros([3, 4]) as tf.Tensor2D, labels, tf.zeros([3, 5]) as tf.Tensor2D))).toThrow(
        'dist loss: teacher logits shape [3,5] does not match student logits shape [3,4].',
      );
      const [, teacherGrad] = tf.grads((s: tf.Tensor, t: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, t as tf.Tensor2D)))([tf.tensor2d(student), tf.tensor2d(teacher)]);
      expect(Array.from(teacherGrad?.dataSync() ?? [Number.NaN]).every((value) => value === 0)).toBe(true);
    });
    expect(() => distLoss.create(distOptions.parse({}), logitsContext(4, false))).toThrow(/dist loss: this run has no teacher/);
  });

  it('has the defaults beta = gamma = τ = 1 and needs the teacher logits', () => {
    expect(distOptions.parse({})).toEqual({ beta: 1, gamma: 1, temperature: 1 });
    expect(distLoss.needs(distOptions.parse({}))).toEqual({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] });
    expect(dist({ temperature: 4, weight: 2 })).toEqual({ kind: 'dist', temperature: 4, weight: 2 });
  });
});
