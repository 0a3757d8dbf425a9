import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { pkt, pktLoss, pktOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();

/** A `pkt` loss on taps of the given shapes. */
function createPkt(studentShape: number[], teacherShape: number[]) {
  return pktLoss.create(pktOptions.parse({ student: 'features', teacher: 'features' }), featureContext({ features: studentShape }, { features: teacherShape }));
}

describe('pkt loss (probabilistic knowledge transfer)', () => {
  featureGoldenTests(pktLoss, golden.pkt, "the authors' cosine_similarity_loss, mean over B² entries", {
    valueAbsolute: 1e-7,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-7,
    gradientRelative: 1e-5,
  });

  it('has a gradient that agrees with float64 central differences (h = 1e-2, 1e-6 + 2e-3·|g|)', () => {
    const loss = createPkt([2, 2, 2], [5]);
    const student = tf.randomNormal([3, 2, 2, 2], 0, 1, 'float32', 41);
    const teacher = tf.randomNormal([3, 5], 0, 1, 'float32', 42);
    const check = checkGradient((s) => loss.compute(featureInputs({ features: s }, { features: teacher })), student, { absoluteTolerance: 1e-6 });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher]);
  });

  it('is zero when the student has the teacher\'s cosine similarities (a scaled copy) and positive otherwise', () => {
    const loss = createPkt([4], [4]);
    tf.tidy(() => {
      const teacher = tf.randomNormal([5, 4], 0, 1, 'float32', 43);
      const same = loss.compute(featureInputs({ features: tf.mul(teacher, 2.5) }, { features: teacher })).dataSync()[0] ?? Number.NaN;
      const other = loss.compute(featureInputs({ features: tf.randomNormal([5, 4], 0, 1, 'float32', 44) }, { features: teacher })).dataSync()[0] ?? Number.NaN;
      expect(Math.abs(same)).toBeLessThanOrEqual(1e-6);
      expect(other).toBeGreaterThan(1e-4);
    });
  });

  it('stays finite for an all-zero example (value and gradient)', () => {
    const loss = createPkt([3], [3]);
    tf.tidy(() => {
      const student = tf.tensor2d([[0, 0, 0], [1, 2, 3], [-1, 0, 2]]);
      const teacher = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss.compute(featureInputs({ features: s }, { features: teacher })))(student);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('checks at create that both taps exist, naming both layers and shapes', () => {
    expect(() => pktLoss.create(pktOptions.parse({ student: 'features', teacher: 'pool' }), featureContext({ features: [4] }, { features: [4] }))).toThrow(
      'pkt loss: the teacher has no feature tap "pool" (its taps: features [4]); cannot pair student tap "features" [4] with teacher tap "pool" (missing).',
    );
  });

  it('gives the teacher tap no gradient, leaves no tensors behind, needs its taps', () => {
    const loss = createPkt([3], [4]);
    const student = { features: tf.randomNormal([3, 3], 0, 1, 'float32', 45) };
    const teacher = { features: tf.randomNormal([3, 4], 0, 1, 'float32', 46) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.features, teacher.features]);
    expect(pktLoss.needs(pktOptions.parse({ student: 'a', teacher: 'b' }))).toEqual({ teacherLogits: false, studentFeatures: ['a'], teacherFeatures: ['b'] });
  });

  it('has eps = 1e-7 as default and rejects eps ≤ 0', () => {
    expect(pktOptions.parse({ student: 'a', teacher: 'b' })).toEqual({ student: 'a', teacher: 'b', eps: 1e-7 });
    expect(pktOptions.safeParse({ student: 'a', teacher: 'b', eps: 0 }).error?.issues[0]?.path).toEqual(['eps']);
    expect(pkt({ student: 'a', teacher: 'b', weight: 30000 })).toEqual({ kind: 'pkt', student: 'a', teacher: 'b', weight: 30000 });
  });
});
