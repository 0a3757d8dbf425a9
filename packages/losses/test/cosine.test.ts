import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cosine, cosineLoss, cosineOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();

/** A `cosine` loss on taps of the given shapes. */
function createCosine(studentShape: number[], teacherShape: number[]) {
  return cosineLoss.create(cosineOptions.parse({ student: 'hidden', teacher: 'hidden' }), featureContext({ hidden: studentShape }, { hidden: teacherShape }));
}

/** The `cosine` value on two tensors. */
function cosineValue(student: tf.Tensor, teacher: tf.Tensor): number {
  const loss = createCosine(student.shape.slice(1), teacher.shape.slice(1));
  return tf.tidy(() => loss.compute(featureInputs({ hidden: student }, { hidden: teacher })).dataSync()[0] ?? Number.NaN);
}

describe('cosine loss (DistilBERT)', () => {
  featureGoldenTests(cosineLoss, golden.cosine, 'nn.CosineEmbeddingLoss with target 1 on hidden-state rows', {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it('has a gradient that agrees with float64 central differences (h = 1e-2, 1e-5 + 2e-3·|g|)', () => {
    const loss = createCosine([3, 4], [3, 4]);
    const student = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 61);
    const teacher = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 62);
    const check = checkGradient((s) => loss.compute(featureInputs({ hidden: s }, { hidden: teacher })), student, { absoluteTolerance: 1e-5 });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher]);
  });

  it('averages 1 − cos over every position: 0 for aligned states, 1 for orthogonal, 2 for opposite (within 1e-6)', () => {
    tf.tidy(() => {
      const teacher = tf.tensor3d([[[1, 0], [0, 2]]]);
      expect(Math.abs(cosineValue(tf.mul(teacher, 3), teacher))).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(cosineValue(tf.tensor3d([[[0, 1], [-2, 0]]]), teacher) - 1)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(cosineValue(tf.neg(teacher), teacher) - 2)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(cosineValue(tf.tensor3d([[[1, 0], [0, -1]]]), teacher) - 1)).toBeLessThanOrEqual(1e-6);
    });
  });

  describe('with a mask tap (DistilBERT leaves out padding)', () => {
    const masked = (studentShape: number[], maskShape: number[]) =>
      cosineLoss.create(cosineOptions.parse({ student: 'hidden', teacher: 'hidden', mask: 'mask' }), featureContext({ hidden: studentShape, mask: maskShape }, { hidden: studentShape }));

    it('averages 1 − cos over the real positions only, as the unmasked loss on those positions alone', () => {
      tf.tidy(() => {
        const student = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 71);
        const teacher = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 72);
        const mask = tf.tensor2d([[1, 1, 0, 0], [1, 1, 1, 0]]);
        const value = masked([4, 3], [4]).compute(featureInputs({ hidden: student, mask }, { hidden: teacher })).dataSync()[0]!;
        // the 5 real positions, gathered, through the unmasked loss
        const rows = [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]];
        const pick = (t: tf.Tensor) => tf.stack(rows.map(([b, p]) => tf.reshape(tf.slice(t, [b!, p!, 0], [1, 1, 3]), [3])));
        expect(value).toBeCloseTo(cosineValue(pick(student), pick(teacher)), 6);
        // changing the padded positions' states changes nothing
        const noisy = tf.add(student, tf.mul(tf.sub(1, tf.expandDims(mask, 2)), 10));
        expect(masked([4, 3], [4]).compute(featureInputs({ hidden: noisy, mask }, { hidden: teacher })).dataSync()[0]!).toBeCloseTo(value, 6);
      });
    });

    it('has a gradient that agrees with float64 central differences, and none at padded positions', () => {
      const loss = masked([3, 4], [3]);
      const student = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 73);
      const teacher = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 74);
      const mask = tf.tensor2d([[1, 0, 1], [1, 1, 0]]);
      const check = checkGradient((s) => loss.compute(featureInputs({ hidden: s, mask }, { hidden: teacher })), student, { absoluteTolerance: 1e-5 });
      expect(check.passed, check.summary).toBe(true);
      const gradient = tf.grad((s: tf.Tensor) => loss.compute(featureInputs({ hidden: s, mask }, { hidden: teacher })))(student);
      const values = gradient.arraySync() as number[][][];
      expect(values[0]![1]!.every((g) => g === 0) && values[1]![2]!.every((g) => g === 0)).toBe(true);
      expect(values[0]![0]!.some((g) => g !== 0)).toBe(true);
      tf.dispose([student, teacher, mask, gradient]);
    });

    it('needs the mask tap and checks its shape at create', () => {
      expect(cosineLoss.needs(cosineOptions.parse({ student: 'a', teacher: 'b', mask: 'm' }))).toEqual({ teacherLogits: false, studentFeatures: ['a', 'm'], teacherFeatures: ['b'] });
      expect(() => masked([4, 3], [5])).toThrow('cosine loss: mask tap "mask" [5] must have the positions of hidden-state tap "hidden" [4,3], i.e. [4].');
      expect(() => cosineLoss.create(cosineOptions.parse({ student: 'hidden', teacher: 'hidden', mask: 'pad' }), featureContext({ hidden: [4, 3] }, { hidden: [4, 3] }))).toThrow('cosine loss: the student has no feature tap "pad" for mask (its taps: hidden [4,3]).');
    });
  });

  describe('checks shapes at create, naming both layers and both shapes', () => {
    it.each([
      ['another hidden size', [8, 16], [8, 32], 'cosine loss: student tap "hidden" [8,16] and teacher tap "hidden" [8,32] cannot be matched: the cosine loss compares hidden states position by position, so both taps need the same shape.'],
      ['another sequence length', [8, 16], [4, 16], 'cosine loss: student tap "hidden" [8,16] and teacher tap "hidden" [4,16] cannot be matched'],
    ])('%s', (_what, studentShape, teacherShape, message) => {
      expect(() => createCosine(studentShape, teacherShape)).toThrow(message);
    });
    it('a missing tap', () => {
      expect(() => cosineLoss.create(cosineOptions.parse({ student: 'last', teacher: 'hidden' }), featureContext({ hidden: [4] }, { hidden: [4] }))).toThrow(
        'cosine loss: the student has no feature tap "last" (its taps: hidden [4]); cannot pair student tap "last" (missing) with teacher tap "hidden" [4].',
      );
    });
  });

  it('gives the teacher tap no gradient, leaves no tensors behind, needs its taps', () => {
    const loss = createCosine([5], [5]);
    const student = { hidden: tf.randomNormal([3, 5], 0, 1, 'float32', 63) };
    const teacher = { hidden: tf.randomNormal([3, 5], 0, 1, 'float32', 64) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.hidden, teacher.hidden]);
    expect(cosineLoss.needs(cosineOptions.parse({ student: 'a', teacher: 'b' }))).toEqual({ teacherLogits: false, studentFeatures: ['a'], teacherFeatures: ['b'] });
  });

  it('takes exactly the two tap names', () => {
    expect(cosineOptions.safeParse({ student: 'a' }).error?.issues[0]?.path).toEqual(['teacher']);
    expect(cosineOptions.safeParse({ student: '', teacher: 'b' }).error?.issues[0]?.message).toBe('student must be a non-empty feature tap name.');
    expect(cosine({ student: 'a', teacher: 'b', weight: 1 })).toEqual({ kind: 'cosine', student: 'a', teacher: 'b', weight: 1 });
  });
});
