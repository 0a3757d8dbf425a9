import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { at, atLoss, atOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, teacherGradients, tensorsLeftByCompute } from './support/feature-inputs.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();
const onePair = [{ student: 's1', teacher: 't1' }];

/** An `at` loss on one pair of maps of the given shapes. */
function createAt(options: Record<string, unknown>, studentShape: number[], teacherShape: number[]) {
  return atLoss.create(atOptions.parse({ pairs: onePair, ...options }), featureContext({ s1: studentShape }, { t1: teacherShape }));
}

/** The `at` value on one pair of tensors. */
function atValue(options: Record<string, unknown>, student: tf.Tensor, teacher: tf.Tensor): number {
  const loss = createAt(options, student.shape.slice(1), teacher.shape.slice(1));
  return tf.tidy(() => loss.compute(featureInputs({ s1: student }, { t1: teacher })).dataSync()[0] ?? Number.NaN);
}

describe('at loss (attention transfer)', () => {
  featureGoldenTests(atLoss, golden.at, "F.normalize(|A|^p.mean(1)), code and paper modes, summed over pairs", {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it.each(['code', 'paper'])(
    'has a gradient that agrees with float64 central differences in %s mode (h = 1e-2, 1e-5 + 2e-3·|g|)',
    (mode) => {
      const loss = createAt({ mode }, [3, 3, 2], [3, 3, 4]);
      const student = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 11);
      const teacher = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 12);
      const check = checkGradient((s) => loss.compute(featureInputs({ s1: s }, { t1: teacher })), student, { absoluteTolerance: 1e-5 });
      expect(check.passed, check.summary).toBe(true);
      tf.dispose([student, teacher]);
    },
  );

  it('is zero when the attention maps agree, whatever the channels and the scale (within 1e-7)', () => {
    tf.tidy(() => {
      const spatial = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 13);
      const student = tf.tile(spatial, [1, 1, 1, 3]);
      const teacher = tf.mul(tf.tile(spatial, [1, 1, 1, 5]), 7);
      expect(Math.abs(atValue({}, student, teacher))).toBeLessThanOrEqual(1e-7);
      expect(Math.abs(atValue({ mode: 'paper' }, student, teacher))).toBeLessThanOrEqual(1e-3);
    });
  });

  it("sums the pairs' losses (within 1e-6 relative)", () => {
    const pairs = [
      { student: 's1', teacher: 't1' },
      { student: 's2', teacher: 't2' },
    ];
    const shapes = { s: { s1: [4, 4, 2], s2: [2, 2, 3] }, t: { t1: [4, 4, 3], t2: [2, 2, 1] } };
    const both = atLoss.create(atOptions.parse({ pairs }), featureContext(shapes.s, shapes.t));
    tf.tidy(() => {
      const student = { s1: tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 1), s2: tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 2) };
      const teacher = { t1: tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 3), t2: tf.randomNormal([2, 2, 2, 1], 0, 1, 'float32', 4) };
      const total = both.compute(featureInputs(student, teacher)).dataSync()[0] ?? Number.NaN;
      const first = atValue({}, student.s1, teacher.t1);
      const second = atLoss
        .create(atOptions.parse({ pairs: [{ student: 's2', teacher: 't2' }] }), featureContext({ s2: shapes.s.s2 }, { t2: shapes.t.t2 }))
        .compute(featureInputs({ s2: student.s2 }, { t2: teacher.t2 }))
        .dataSync()[0] ?? Number.NaN;
      expect(Math.abs(total - (first + second))).toBeLessThanOrEqual(1e-6 * total);
    });
  });

  describe('checks shapes at create, naming both layers and both shapes', () => {
    it.each([
      ['different spatial sizes', { s1: [8, 8, 4] }, { t1: [4, 4, 4] }, 'at loss: student tap "s1" [8,8,4] and teacher tap "t1" [4,4,4] cannot be matched: attention maps need the same spatial size (8×8 vs 4×4); the channels may differ.'],
      ['a vector tap', { s1: [16] }, { t1: [4, 4, 4] }, 'at loss: student tap "s1" [16] and teacher tap "t1" [4,4,4] cannot be matched: attention transfer needs feature maps [height,width,channels] on both sides.'],
      ['a missing teacher tap', { s1: [4, 4, 4] }, { block3: [4, 4, 4] }, 'at loss: the teacher has no feature tap "t1" (its taps: block3 [4,4,4]); cannot pair student tap "s1" [4,4,4] with teacher tap "t1" (missing).'],
    ])('%s', (_what, studentShapes, teacherShapes, message) => {
      expect(() => atLoss.create(atOptions.parse({ pairs: onePair }), featureContext(studentShapes, teacherShapes))).toThrow(message);
    });
    it('a run without a teacher', () => {
      expect(() => atLoss.create(atOptions.parse({ pairs: onePair }), featureContext({ s1: [2, 2, 2] }, {}, { hasTeacher: false }))).toThrow(/at loss: this run has no teacher/);
    });
  });

  it('gives the teacher taps no gradient and leaves no tensors behind', () => {
    const loss = createAt({}, [3, 3, 2], [3, 3, 2]);
    const student = { s1: tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 5) };
    const teacher = { t1: tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 6) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.s1, teacher.t1]);
  });

  it('needs every tap of its pairs once, and no teacher logits', () => {
    const pairs = [
      { student: 'b2', teacher: 'b2' },
      { student: 'b3', teacher: 'b3' },
      { student: 'b3', teacher: 'b4' },
    ];
    expect(atLoss.needs(atOptions.parse({ pairs }))).toEqual({ teacherLogits: false, studentFeatures: ['b2', 'b3'], teacherFeatures: ['b2', 'b3', 'b4'] });
  });

  it('has the defaults p = 2, mode code, and rejects an empty pair list or p below 1', () => {
    expect(atOptions.parse({ pairs: onePair })).toEqual({ pairs: onePair, p: 2, mode: 'code' });
    expect(atOptions.safeParse({ pairs: [] }).error?.issues[0]?.message).toContain('pairs must name at least one');
    expect(atOptions.safeParse({ pairs: onePair, p: 0.5 }).error?.issues[0]?.path).toEqual(['p']);
    expect(atOptions.safeParse({ pairs: [{ student: 's1', teacher: 't1', weight: 2 }] }).success).toBe(false);
    expect(at({ pairs: onePair, weight: 1000 })).toEqual({ kind: 'at', pairs: onePair, weight: 1000 });
  });
});
