import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rkd, rkdLoss, rkdOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();

/** An `rkd` loss on taps of the given shapes. */
function createRkd(options: Record<string, unknown>, studentShape: number[], teacherShape: number[]) {
  return rkdLoss.create(rkdOptions.parse({ student: 'embedding', teacher: 'embedding', ...options }), featureContext({ embedding: studentShape }, { embedding: teacherShape }));
}

/** The `rkd` value on two tensors. */
function rkdValue(options: Record<string, unknown>, student: tf.Tensor, teacher: tf.Tensor): number {
  const loss = createRkd(options, student.shape.slice(1), teacher.shape.slice(1));
  return tf.tidy(() => loss.compute(featureInputs({ embedding: student }, { embedding: teacher })).dataSync()[0] ?? Number.NaN);
}

describe('rkd loss (relational knowledge distillation)', () => {
  featureGoldenTests(rkdLoss, golden.rkd, 'RepDistiller RKDLoss: smooth-L1 on distances (25) and angles (50)', {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it.each([
    ['both terms', { distanceWeight: 1, angleWeight: 1 }],
    ['the distance term alone', { distanceWeight: 1, angleWeight: 0 }],
    ['the angle term alone', { distanceWeight: 0, angleWeight: 1 }],
  ])('has a gradient for %s (unit weights) that agrees with float64 central differences (h = 3e-3, 1e-5 + 2e-3·|g|)', (_what, options) => {
    const loss = createRkd(options, [3], [4]);
    const student = tf.randomNormal([4, 3], 0, 1, 'float32', 31);
    const teacher = tf.randomNormal([4, 4], 0, 1, 'float32', 32);
    const check = checkGradient((s) => loss.compute(featureInputs({ embedding: s }, { embedding: teacher })), student, { step: 3e-3, absoluteTolerance: 1e-5 });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher]);
  });

  it('is zero for a student that is a scaled, shifted, rotated copy of the teacher (within 1e-5)', () => {
    tf.tidy(() => {
      const teacher = tf.randomNormal([5, 2], 0, 1, 'float32', 33);
      const rotation = tf.tensor2d([[0, -1], [1, 0]]);
      const student = tf.add(tf.mul(tf.matMul(teacher, rotation), 3), 2);
      expect(Math.abs(rkdValue({}, student, teacher))).toBeLessThanOrEqual(1e-5);
    });
  });

  it('weights the terms by distanceWeight and angleWeight (within 1e-5 relative)', () => {
    tf.tidy(() => {
      const student = tf.randomNormal([4, 3], 0, 1, 'float32', 34);
      const teacher = tf.randomNormal([4, 3], 0, 1, 'float32', 35);
      const distance = rkdValue({ distanceWeight: 1, angleWeight: 0 }, student, teacher);
      const angle = rkdValue({ distanceWeight: 0, angleWeight: 1 }, student, teacher);
      const both = rkdValue({}, student, teacher);
      expect(distance).toBeGreaterThan(0);
      expect(angle).toBeGreaterThan(0);
      expect(Math.abs(both - (25 * distance + 50 * angle))).toBeLessThanOrEqual(1e-5 * both);
    });
  });

  it('refuses a batch of one example, naming the tap', () => {
    const loss = createRkd({}, [3], [3]);
    tf.tidy(() => {
      expect(() => loss.compute(featureInputs({ embedding: tf.zeros([1, 3]) }, { embedding: tf.zeros([1, 3]) }))).toThrow(
        'rkd loss: relations need a batch of at least 2 examples, got student tap "embedding" of shape [1,3].',
      );
    });
  });

  it('checks at create that both taps exist, naming both layers and shapes', () => {
    expect(() => createRkd({ teacher: 'penultimate' }, [3], [3])).toThrow(
      'rkd loss: the teacher has no feature tap "penultimate" (its taps: embedding [3]); cannot pair student tap "embedding" [3] with teacher tap "penultimate" (missing).',
    );
  });

  it('gives the teacher tap no gradient, leaves no tensors behind, needs its taps', () => {
    const loss = createRkd({}, [3], [4]);
    const student = { embedding: tf.randomNormal([4, 3], 0, 1, 'float32', 36) };
    const teacher = { embedding: tf.randomNormal([4, 4], 0, 1, 'float32', 37) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.embedding, teacher.embedding]);
    expect(rkdLoss.needs(rkdOptions.parse({ student: 'a', teacher: 'b' }))).toEqual({ teacherLogits: false, studentFeatures: ['a'], teacherFeatures: ['b'] });
  });

  it('has the paper weights 25 and 50 as defaults and rejects negative weights', () => {
    expect(rkdOptions.parse({ student: 'a', teacher: 'b' })).toEqual({ student: 'a', teacher: 'b', distanceWeight: 25, angleWeight: 50 });
    expect(rkdOptions.safeParse({ student: 'a', teacher: 'b', angleWeight: -1 }).error?.issues[0]?.message).toBe('angleWeight must be at least 0.');
    expect(rkd({ student: 'a', teacher: 'b', weight: 1 })).toEqual({ kind: 'rkd', student: 'a', teacher: 'b', weight: 1 });
  });
});
