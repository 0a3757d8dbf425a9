import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sp, spLoss, spOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();
const onePair = [{ student: 's1', teacher: 't1' }];

/** An `sp` loss on one pair of taps of the given shapes. */
function createSp(studentShape: number[], teacherShape: number[]) {
  return spLoss.create(spOptions.parse({ pairs: onePair }), featureContext({ s1: studentShape }, { t1: teacherShape }));
}

describe('sp loss (similarity-preserving)', () => {
  featureGoldenTests(spLoss, golden.sp, 'RepDistiller Similarity: ‖normalize(G_t) − normalize(G_s)‖²_F / b²', {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it('has a gradient that agrees with float64 central differences (h = 1e-2, 1e-5 + 2e-3·|g|)', () => {
    const loss = createSp([2, 2, 3], [5]);
    const student = tf.randomNormal([4, 2, 2, 3], 0, 1, 'float32', 21);
    const teacher = tf.randomNormal([4, 5], 0, 1, 'float32', 22);
    const check = checkGradient((s) => loss.compute(featureInputs({ s1: s }, { t1: teacher })), student, { absoluteTolerance: 1e-5 });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher]);
  });

  it('compares only batch × batch similarities: any pair of shapes is accepted, and matching similarities cost 0 (within 1e-7)', () => {
    const loss = createSp([3], [6]);
    tf.tidy(() => {
      const student = tf.randomNormal([4, 3], 0, 1, 'float32', 23);
      const teacher = tf.concat([student, tf.mul(student, 0)], 1); // [4, 6], the same Gram matrix
      expect(Math.abs(loss.compute(featureInputs({ s1: student }, { t1: teacher })).dataSync()[0] ?? Number.NaN)).toBeLessThanOrEqual(1e-7);
    });
  });

  it('checks at create that the taps exist, naming both layers and shapes', () => {
    expect(() => spLoss.create(spOptions.parse({ pairs: onePair }), featureContext({ block1: [3] }, { t1: [4] }))).toThrow(
      'sp loss: the student has no feature tap "s1" (its taps: block1 [3]); cannot pair student tap "s1" (missing) with teacher tap "t1" [4].',
    );
    expect(() => spLoss.create(spOptions.parse({ pairs: onePair }), featureContext({ s1: [3] }, {}, { hasTeacher: false }))).toThrow(/sp loss: this run has no teacher/);
  });

  it('checks at compute that both taps have the same batch size', () => {
    const loss = createSp([3], [4]);
    tf.tidy(() => {
      expect(() => loss.compute(featureInputs({ s1: tf.zeros([2, 3]) }, { t1: tf.zeros([3, 4]) }))).toThrow(
        'sp loss: student tap "s1" [2,3] and teacher tap "t1" [3,4] have different batch sizes.',
      );
    });
  });

  it('gives the teacher taps no gradient, leaves no tensors behind, needs its taps', () => {
    const loss = createSp([2, 2, 3], [5]);
    const student = { s1: tf.randomNormal([3, 2, 2, 3], 0, 1, 'float32', 24) };
    const teacher = { t1: tf.randomNormal([3, 5], 0, 1, 'float32', 25) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.s1, teacher.t1]);
    expect(spLoss.needs(spOptions.parse({ pairs: onePair }))).toEqual({ teacherLogits: false, studentFeatures: ['s1'], teacherFeatures: ['t1'] });
  });

  it('needs pairs and has no other option', () => {
    expect(spOptions.safeParse({}).error?.issues[0]?.path).toEqual(['pairs']);
    expect(spOptions.safeParse({ pairs: onePair, gamma: 3000 }).success).toBe(false);
    expect(sp({ pairs: onePair, weight: 3000 })).toEqual({ kind: 'sp', pairs: onePair, weight: 3000 });
  });
});
