import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nst, nstLoss, nstOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();
const onePair = [{ student: 's1', teacher: 't1' }];

/** An `nst` loss on one pair of maps of the given shapes. */
function createNst(options: Record<string, unknown>, studentShape: number[], teacherShape: number[]) {
  return nstLoss.create(nstOptions.parse({ pairs: onePair, ...options }), featureContext({ s1: studentShape }, { t1: teacherShape }));
}

describe('nst loss (neuron selectivity transfer)', () => {
  featureGoldenTests(nstLoss, golden.nst, 'MMD² with the polynomial kernel between normalised channel maps, as RepDistiller NSTLoss', {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it.each([
    [2, 0, 1e-5],
    [3, 1, 1e-4],
  ])('has a gradient with kernel degree %d, constant %d that agrees with float64 central differences (h = 1e-2, %s + 2e-3·|g|; the larger value of the cubic kernel has more float32 round-off)', (degree, constant, absoluteTolerance) => {
    const loss = createNst({ degree, constant }, [3, 3, 2], [3, 3, 3]);
    const student = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 51);
    const teacher = tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 52);
    const check = checkGradient((s) => loss.compute(featureInputs({ s1: s }, { t1: teacher })), student, { absoluteTolerance });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher]);
  });

  it('is zero when the student has the teacher\'s channel maps, scaled and in another order (within 1e-5)', () => {
    const loss = createNst({}, [4, 4, 3], [4, 4, 3]);
    tf.tidy(() => {
      const teacher = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 53);
      const student = tf.mul(tf.reverse(teacher, 3), 4);
      expect(Math.abs(loss.compute(featureInputs({ s1: student }, { t1: teacher })).dataSync()[0] ?? Number.NaN)).toBeLessThanOrEqual(1e-5);
    });
  });

  describe('checks shapes at create, naming both layers and both shapes', () => {
    it.each([
      ['different spatial sizes', { s1: [4, 4, 8] }, { t1: [2, 2, 8] }, 'nst loss: student tap "s1" [4,4,8] and teacher tap "t1" [2,2,8] cannot be matched: each channel\'s spatial map is a sample, so the spatial sizes must agree (4×4 vs 2×2); the channels may differ.'],
      ['a vector tap', { s1: [4, 4, 8] }, { t1: [8] }, 'nst loss: student tap "s1" [4,4,8] and teacher tap "t1" [8] cannot be matched: neuron selectivity transfer needs feature maps [height,width,channels] on both sides.'],
      ['a missing student tap', { block1: [4, 4, 8] }, { t1: [4, 4, 8] }, 'nst loss: the student has no feature tap "s1" (its taps: block1 [4,4,8]); cannot pair student tap "s1" (missing) with teacher tap "t1" [4,4,8].'],
    ])('%s', (_what, studentShapes, teacherShapes, message) => {
      expect(() => nstLoss.create(nstOptions.parse({ pairs: onePair }), featureContext(studentShapes, teacherShapes))).toThrow(message);
    });
  });

  it('gives the teacher taps no gradient, leaves no tensors behind, needs its taps', () => {
    const loss = createNst({}, [3, 3, 2], [3, 3, 4]);
    const student = { s1: tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 54) };
    const teacher = { t1: tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 55) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.s1, teacher.t1]);
    expect(nstLoss.needs(nstOptions.parse({ pairs: onePair }))).toEqual({ teacherLogits: false, studentFeatures: ['s1'], teacherFeatures: ['t1'] });
  });

  it('has the paper kernel (degree 2, constant 0) as default and rejects a fractional degree', () => {
    expect(nstOptions.parse({ pairs: onePair })).toEqual({ pairs: onePair, degree: 2, constant: 0 });
    expect(nstOptions.safeParse({ pairs: onePair, degree: 1.5 }).error?.issues[0]?.message).toBe('degree must be a whole number.');
    expect(nst({ pairs: onePair, weight: 50 })).toEqual({ kind: 'nst', pairs: onePair, weight: 50 });
  });
});
