import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hintonLoss, hintonOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { checkGradient } from './support/finite-difference.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';

useCpuBackend();

/** `f(x) = Σ x³` with a custom gradient `scale · 3x²` (entry `wrongEntry` also multiplied by `entryScale`). */
function cubeWithGradient(scale: number, wrongEntry = -1, entryScale = 1): (x: tf.Tensor) => tf.Scalar {
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    const value = tf.sum(tf.pow(x, 3)) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const mask = tf.reshape(tf.oneHot(tf.tensor1d([wrongEntry], 'int32'), x.size), x.shape);
      const entryFactor = tf.add(1, tf.mul(mask, entryScale - 1));
      return tf.mul(tf.mul(dy, tf.mul(tf.square(x), 3 * scale)), entryFactor);
    };
    return { value, gradFunc };
  }) as (x: tf.Tensor) => tf.Scalar;
}

const point = [0.5, -1.25, 2.0, 0.75, -0.3, 1.6];

describe('checkGradient (finite differences in float64 against tf.grad)', () => {
  it('computes central differences close to the closed form 3x² of Σx³ (within 1e-3 per entry)', () => {
    const x = tf.tensor2d(point, [2, 3]);
    const check = checkGradient(cubeWithGradient(1), x);
    point.forEach((value, index) => expect(Math.abs((check.numeric[index] ?? Number.NaN) - 3 * value * value)).toBeLessThan(1e-3));
    expect(check.passed, check.summary).toBe(true);
    x.dispose();
  });

  it('fails a gradient that is 1% too large everywhere', () => {
    const x = tf.tensor2d(point, [2, 3]);
    const check = checkGradient(cubeWithGradient(1.01), x);
    expect(check.passed).toBe(false);
    expect(check.summary).toContain('FAILED');
    x.dispose();
  });

  it('fails a gradient that is wrong in a single entry, and names that entry', () => {
    const x = tf.tensor2d(point, [2, 3]);
    const check = checkGradient(cubeWithGradient(1, 4, 1.5), x);
    expect(check.passed).toBe(false);
    expect(check.worstIndex).toBe(4);
    expect(check.summary).toContain('worst entry 4');
    x.dispose();
  });

  describe('fails a distillation loss whose gradient has a classic bug (the value being right)', () => {
    const temperature = 4;
    const loss = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(3, true));
    const teacherRows = [[2.0, -1.0, 0.5], [0.0, 1.5, -2.0]];
    const studentRows = [[0.3, 0.8, -0.4], [1.1, -0.6, 0.2]];

    /**
     * The true hinton loss value, with a fixed gradient: the gradient of `wrongLoss` at the point
     * checked (the checker takes the analytic gradient only there).
     */
    function withGradient(wrongGradient: tf.Tensor, teacher: tf.Tensor, labels: tf.Tensor1D) {
      return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const s = inputs[0] as tf.Tensor2D;
        const value = loss.compute(logitsInputs(s, labels, teacher as tf.Tensor2D));
        return { value, gradFunc: (dy: tf.Tensor) => tf.mul(dy, wrongGradient) };
      }) as (s: tf.Tensor) => tf.Scalar;
    }

    const bugs: [string, (s: tf.Tensor, t: tf.Tensor) => tf.Scalar][] = [
      [
        'gradient without the T² factor',
        (s, t) => tf.div(loss.compute(logitsInputs(s as tf.Tensor2D, tf.zeros([2], 'int32'), t as tf.Tensor2D)), temperature ** 2) as tf.Scalar,
      ],
      [
        'gradient of the reversed KL, KL(student ‖ teacher)',
        (s, t) => {
          const logQ = tf.logSoftmax(tf.div(s, temperature));
          const logP = tf.logSoftmax(tf.div(t, temperature));
          return tf.mul(tf.mean(tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), -1)), temperature ** 2) as tf.Scalar;
        },
      ],
    ];
    for (const [bug, wrongLoss] of bugs) {
      it(bug, () => {
        const student = tf.tensor2d(studentRows);
        const teacher = tf.tensor2d(teacherRows);
        const labels = tf.tensor1d([0, 1], 'int32');
        const right = checkGradient((s) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacher)), student, { step: 0.04 });
        expect(right.passed, right.summary).toBe(true);
        const wrongGradient = tf.grad((s: tf.Tensor) => wrongLoss(s, teacher))(student);
        const wrong = checkGradient(withGradient(wrongGradient, teacher, labels), student, { step: 0.04 });
        expect(wrong.passed, wrong.summary).toBe(false);
        tf.dispose([student, teacher, labels, wrongGradient]);
      });
    }
  });

  it('refuses a non-float32 point', () => {
    const x = tf.tensor1d([1, 2], 'int32');
    expect(() => checkGradient((v) => tf.sum(v) as tf.Scalar, x)).toThrow('checkGradient: x must be float32, got int32.');
    x.dispose();
  });
});
