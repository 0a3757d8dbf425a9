import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hintonLoss, hintonOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { expectClose } from './support/expect-close.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';

useCpuBackend();
const golden = readGolden();

/** The `hinton` loss value and its gradient w.r.t. the student logits, on the cpu backend. */
function hintonValueAndGradient(student: number[][], teacher: number[][], temperature: number) {
  const numClasses = student[0]?.length ?? 0;
  const loss = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(numClasses, true));
  const studentLogits = tf.tensor2d(student);
  const teacherLogits = tf.tensor2d(teacher);
  const labels = tf.zeros([student.length], 'int32') as tf.Tensor1D;
  const { value, grad } = tf.valueAndGrad((s: tf.Tensor) =>
    loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacherLogits)),
  )(studentLogits);
  const result = { value: value.dataSync()[0] ?? Number.NaN, grad: Array.from(grad.dataSync()) };
  tf.dispose([studentLogits, teacherLogits, labels, value, grad]);
  return result;
}

describe('hinton loss', () => {
  describe("matches PyTorch kl_div(log_softmax(s/T), softmax(t/T), 'batchmean')·T² (value within 2e-5 + 1e-5·|value|, gradient within 1e-5 per entry)", () => {
    for (const testCase of golden.hinton) {
      it(testCase.name, () => {
        const { value, grad } = hintonValueAndGradient(testCase.student, testCase.teacher, testCase.options.temperature);
        expectClose([value], [testCase.loss], 2e-5, 1e-5);
        expectClose(grad, testCase.gradStudent.flat(), 1e-5, 0);
      });
    }
  });

  it.each([1, 2, 4, 20])(
    'has a gradient that agrees with float64 central differences at T=%d (h = T·1e-2, 1e-4 + 2e-3·|g|)',
    (temperature) => {
      const loss = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(4, true));
      const student = tf.tensor2d([
        [0.5, -1.0, 2.0, 0.1],
        [1.2, 0.3, -0.7, -1.5],
      ]);
      const teacher = tf.tensor2d([
        [2.5, -0.5, 1.0, -2.0],
        [-1.0, 3.0, 0.5, 0.0],
      ]);
      const labels = tf.tensor1d([0, 1], 'int32');
      // The loss varies on the scale of T·(logit units), so the step grows with T: float32 round-off
      // in T²·KL, divided by 2h, would otherwise swamp the difference quotient at T=20.
      const check = checkGradient((s) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacher)), student, {
        step: temperature * 1e-2,
      });
      expect(check.passed, check.summary).toBe(true);
      tf.dispose([student, teacher, labels]);
    },
  );

  it('is stable for logits of magnitude 1e4 at T=1 (finite value and gradient)', () => {
    const { value, grad } = hintonValueAndGradient([[1e4, -1e4, 0]], [[-1e4, 1e4, 0]], 1);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo(2e4, -1);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('needs the teacher logits', () => {
    expect(hintonLoss.needs(hintonOptions.parse({}))).toEqual({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] });
  });

  it('refuses to be created in a run without a teacher, naming the loss', () => {
    expect(() => hintonLoss.create(hintonOptions.parse({}), logitsContext(10, false))).toThrow(/hinton loss: this run has no teacher/);
  });

  it('defaults temperature to 4', () => {
    expect(hintonOptions.parse({})).toEqual({ temperature: 4, perTeacher: false });
  });

  it.each([1, 3, 20])(
    "without T² is FitNets' soft term at T=%d: cross-entropy CE(P_T^T, P_S^T) minus the teacher's entropy, by a float64 reference (value within 1e-6 + 1e-5·|value|)",
    (temperature) => {
      const student = [
        [0.5, -1.0, 2.0, 0.1],
        [1.2, 0.3, -0.7, -1.5],
      ];
      const teacher = [
        [2.5, -0.5, 1.0, -2.0],
        [-1.0, 3.0, 0.5, 0.0],
      ];
      const softmax = (row: number[]): number[] => {
        const top = Math.max(...row.map((x) => x / temperature));
        const e = row.map((x) => Math.exp(x / temperature - top));
        const sum = e.reduce((a, b) => a + b, 0);
        return e.map((x) => x / sum);
      };
      const perExample = student.map((s, b) => {
        const p = softmax(teacher[b]!);
        const q = softmax(s);
        const crossEntropy = -p.reduce((sum, pk, k) => sum + pk * Math.log(q[k]!), 0);
        const entropy = -p.reduce((sum, pk) => sum + pk * Math.log(pk), 0);
        return crossEntropy - entropy;
      });
      const expected = perExample.reduce((a, b) => a + b, 0) / student.length;
      const loss = hintonLoss.create(hintonOptions.parse({ temperature, scaleByTemperatureSquared: false }), logitsContext(4, true));
      const scaled = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(4, true));
      const s = tf.tensor2d(student);
      const t = tf.tensor2d(teacher);
      const labels = tf.tensor1d([0, 1], 'int32');
      const value = loss.compute(logitsInputs(s, labels, t));
      const withT2 = scaled.compute(logitsInputs(s, labels, t));
      expectClose([value.dataSync()[0]!], [expected], 1e-6, 1e-5);
      expectClose([withT2.dataSync()[0]!], [expected * temperature * temperature], 1e-6, 1e-5);
      tf.dispose([s, t, labels, value, withT2]);
    },
  );

  it.each([
    [0, 'temperature must be above 0'],
    [-2, 'temperature must be above 0'],
    [Number.POSITIVE_INFINITY, 'temperature must be a number'],
    ['4', 'temperature must be a number'],
  ])('rejects temperature %j with an error naming the temperature field', (temperature, message) => {
    const parsed = hintonOptions.safeParse({ temperature });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['temperature']);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it('rejects an unknown option (a typo such as temprature) instead of ignoring it', () => {
    const parsed = hintonOptions.safeParse({ temprature: 2 });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('temprature');
  });

  describe('errors name the loss and both shapes', () => {
    const labels = tf.tensor1d([0, 1], 'int32');
    it('teacher logits of another shape than the student logits', () => {
      const loss = hintonLoss.create(hintonOptions.parse({}), logitsContext(3, true));
      const student = tf.zeros([2, 3]) as tf.Tensor2D;
      const teacher = tf.zeros([2, 5]) as tf.Tensor2D;
      expect(() => loss.compute(logitsInputs(student, labels, teacher))).toThrow(
        'hinton loss: teacher logits shape [2,5] does not match student logits shape [2,3].',
      );
      tf.dispose([student, teacher]);
    });
    it('student logits with the wrong number of classes', () => {
      const loss = hintonLoss.create(hintonOptions.parse({}), logitsContext(4, true));
      const student = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => loss.compute(logitsInputs(student, labels, student))).toThrow(/hinton loss: student logits must have shape \[batch,4\].*got \[2,3\]/);
      student.dispose();
    });
    it('no teacher outputs at compute time', () => {
      const loss = hintonLoss.create(hintonOptions.parse({}), logitsContext(3, true));
      const student = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => loss.compute(logitsInputs(student, labels))).toThrow(/hinton loss: compute\(\) was given no teacher outputs/);
      student.dispose();
    });
  });

  it('leaves no tensors behind but its scalar result', () => {
    const loss = hintonLoss.create(hintonOptions.parse({ temperature: 3 }), logitsContext(3, true));
    const student = tf.tensor2d([[1, 2, 3]]);
    const teacher = tf.tensor2d([[3, 2, 1]]);
    const labels = tf.tensor1d([2], 'int32');
    const before = tf.memory().numTensors;
    const value = loss.compute(logitsInputs(student, labels, teacher));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(value.shape).toEqual([]);
    tf.dispose([value, student, teacher, labels]);
  });
});

describe('hinton with perTeacher (an ensemble distilled member by member)', () => {
  it('equals the sum of the single-teacher terms of each member, and refuses a single teacher', () => {
    const tfc = tf;
    const context = { numClasses: 3, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: 2, hasTeacher: true };
    const single = hintonLoss.create(hintonOptions.parse({ temperature: 2 }), context);
    const perTeacher = hintonLoss.create(hintonOptions.parse({ temperature: 2, perTeacher: true }), { ...context, teacherCount: 2 });
    const s = tfc.tensor2d([[1, 0, -1], [0.5, 2, 0]]);
    const a = tfc.tensor2d([[2, 0, 0], [0, 3, 1]]);
    const b = tfc.tensor2d([[0, 1, 0], [1, 1, 2]]);
    const labels = tfc.tensor1d([0, 1], 'int32');
    const base = { student: { logits: s, features: {} }, labels, indices: new Int32Array([0, 1]), training: true };
    const one = (t: typeof a) => single.compute({ ...base, teacher: { logits: t, features: {} } }).dataSync()[0]!;
    const combined = tfc.div(tfc.add(a, b), 2) as typeof a;
    const sum = perTeacher.compute({ ...base, teacher: { logits: combined, features: {}, members: [{ logits: a, features: {} }, { logits: b, features: {} }] } }).dataSync()[0]!;
    expect(sum).toBeCloseTo(one(a) + one(b), 6);
    expect(sum).not.toBeCloseTo(one(combined), 3);
    expect(() => hintonLoss.create(hintonOptions.parse({ perTeacher: true }), context)).toThrow(/perTeacher sums one term per member .* 1 teacher/);
  });
});
