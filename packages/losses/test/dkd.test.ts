import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dkd, dkdLoss, dkdOptions, hintonLoss, hintonOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { expectClose } from './support/expect-close.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';
import { logSoftmax } from './support/reference.js';

useCpuBackend();
const golden = readGolden();

/** A `dkd` loss for `numClasses` classes. */
function createDkd(options: Record<string, unknown>, numClasses: number, trainSize = 1000) {
  return dkdLoss.create(dkdOptions.parse(options), { ...logitsContext(numClasses, true), trainSize });
}

/** The `dkd` value on logits and labels. */
function dkdValue(options: Record<string, unknown>, student: number[][], teacher: number[][], labels: number[]): number {
  const loss = createDkd(options, student[0]?.length ?? 0);
  return tf.tidy(() => loss.compute(logitsInputs(tf.tensor2d(student), tf.tensor1d(labels, 'int32'), tf.tensor2d(teacher))).dataSync()[0] ?? Number.NaN);
}

describe('dkd loss (decoupled knowledge distillation)', () => {
  describe("matches mdistiller's dkd_loss in PyTorch (value within 1e-6 + 1e-5·|value|, gradient within 1e-6 + 1e-5·|g| per entry)", () => {
    for (const testCase of golden.dkd) {
      it(testCase.name, () => {
        const loss = createDkd(testCase.options, testCase.student[0]?.length ?? 0);
        const labels = tf.tensor1d(testCase.labels, 'int32');
        const teacher = tf.tensor2d(testCase.teacher);
        const student = tf.tensor2d(testCase.student);
        const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacher)))(student);
        expectClose(value.dataSync(), [testCase.loss], 1e-6, 1e-5);
        expectClose(grad.dataSync(), testCase.gradStudent.flat(), 1e-6, 1e-5);
        tf.dispose([labels, teacher, student, value, grad]);
      });
    }
  });

  it('has a gradient that agrees with float64 central differences at T = 4 (h = 4e-2, 1e-4 + 2e-3·|g|)', () => {
    const loss = createDkd({}, 4);
    const student = tf.tensor2d([[0.5, -1.0, 2.0, 0.1], [1.2, 0.3, -0.7, -1.5], [0.0, 0.4, 0.9, -0.2]]);
    const teacher = tf.tensor2d([[2.5, -0.5, 1.0, -2.0], [-1.0, 3.0, 0.5, 0.0], [1.0, 1.0, -1.0, 2.0]]);
    const labels = tf.tensor1d([2, 1, 3], 'int32');
    const check = checkGradient((s) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacher)), student, { step: 4e-2 });
    expect(check.passed, check.summary).toBe(true);
    tf.dispose([student, teacher, labels]);
  });

  it("decomposes Hinton's KD as in the paper's equation 5: KD = TCKD + (1 − p^t_target)·NCKD for one example (within 1e-5 relative)", () => {
    const student = [[0.3, 1.8, -0.6, 0.9, -1.1]];
    const teacher = [[2.2, 0.4, -1.5, 1.0, 0.1]];
    const labels = [0];
    const temperature = 3;
    const tckd = dkdValue({ alpha: 1, beta: 0, temperature }, student, teacher, labels);
    const nckd = dkdValue({ alpha: 0, beta: 1, temperature }, student, teacher, labels);
    const kd = tf.tidy(() => {
      const hinton = hintonLoss.create(hintonOptions.parse({ temperature }), logitsContext(5, true));
      return hinton.compute(logitsInputs(tf.tensor2d(student), tf.tensor1d(labels, 'int32'), tf.tensor2d(teacher))).dataSync()[0] ?? Number.NaN;
    });
    const teacherTarget = Math.exp(logSoftmax(teacher[0] ?? [], temperature)[0] ?? Number.NaN);
    expect(tckd).toBeGreaterThan(0);
    expect(nckd).toBeGreaterThan(0);
    expect(Math.abs(kd - (tckd + (1 - teacherTarget) * nckd))).toBeLessThanOrEqual(1e-5 * kd);
  });

  it('is stable for logits of magnitude 1e4 (finite value and gradient)', () => {
    const loss = createDkd({ temperature: 1 }, 3);
    tf.tidy(() => {
      const labels = tf.tensor1d([1, 2], 'int32');
      const teacher = tf.tensor2d([[1e4, -1e4, 0], [-5e3, 5e3, 5e3]]);
      const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, teacher)))(tf.tensor2d([[-1e4, 1e4, 0], [5e3, -5e3, 0]]));
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('warms up linearly: during epoch e of its stage the loss is min(e / warmupEpochs, 1) times the full loss; evaluation does not advance the epoch (within 1e-6 relative)', () => {
    const student = [[0.3, 1.8, -0.6], [0.2, -0.4, 1.0], [1.1, 0.0, -0.3]];
    const teacher = [[2.2, 0.4, -1.5], [-0.3, 0.8, 0.5], [0.7, 1.9, -1.0]];
    const labels = [0, 2, 1];
    const full = dkdValue({}, student, teacher, labels);
    const warm = createDkd({ warmupEpochs: 4 }, 3, 6); // two batches of 3 per epoch
    const factors: number[] = [];
    for (let call = 0; call < 12; call += 1) {
      const training = call !== 2; // the third call is an evaluation, in the middle of epoch 2
      const value = tf.tidy(() => {
        const inputs = { ...logitsInputs(tf.tensor2d(student), tf.tensor1d(labels, 'int32'), tf.tensor2d(teacher)), training };
        return warm.compute(inputs).dataSync()[0] ?? Number.NaN;
      });
      factors.push(Math.round((value / full) * 1e6) / 1e6);
    }
    expect(factors).toEqual([0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 1, 1, 1, 1, 1]);
  });

  describe('its state (saved in checkpoints: the examples seen, which drive the warm-up)', () => {
    /** One step on seeded logits (5 classes, batch 3); every fourth step evaluates. */
    const step = (loss: ReturnType<typeof createDkd>, index: number): number =>
      tf.tidy(() => {
        const student = tf.randomNormal([3, 5], 0, 2, 'float32', 500 + index) as tf.Tensor2D;
        const teacher = tf.randomNormal([3, 5], 0, 2, 'float32', 600 + index) as tf.Tensor2D;
        const labels = tf.tensor1d([index % 5, (index + 2) % 5, (index + 4) % 5], 'int32');
        return loss.compute({ ...logitsInputs(student, labels, teacher), training: index % 4 !== 3 }).dataSync()[0] ?? Number.NaN;
      });

    it('lets a fresh instance restored from it compute bit-identical values to the uninterrupted one, step after step', () => {
      const options = { warmupEpochs: 5 };
      const uninterrupted = createDkd(options, 5, 6); // two training batches of 3 per epoch
      for (let index = 0; index < 5; index += 1) step(uninterrupted, index);
      const saved = uninterrupted.saveState?.();
      expect(saved).toEqual({ values: { examplesSeen: 12 }, arrays: {} });
      const restored = createDkd(options, 5, 6);
      restored.restoreState?.(saved!);
      const withoutState = createDkd(options, 5, 6);
      const continued: number[] = [];
      const again: number[] = [];
      const fresh: number[] = [];
      for (let index = 5; index < 16; index += 1) {
        continued.push(step(uninterrupted, index));
        again.push(step(restored, index));
        fresh.push(step(withoutState, index));
      }
      continued.forEach((value, index) => expect(again[index], `step ${index + 5}`).toBe(value));
      expect(continued.every(Number.isFinite)).toBe(true);
      expect(fresh[0]).not.toBe(continued[0]); // without the state, the warm-up starts over
      expect(restored.saveState?.()).toEqual(uninterrupted.saveState?.());
    });

    it('holds a copy (later steps leave a saved state unchanged) and is checked before restoring, naming the loss and the field', () => {
      const loss = createDkd({ warmupEpochs: 2 }, 5, 6);
      expect(loss.saveState?.()).toEqual({ values: { examplesSeen: 0 }, arrays: {} });
      step(loss, 0);
      const saved = loss.saveState?.();
      step(loss, 1);
      expect(saved).toEqual({ values: { examplesSeen: 3 }, arrays: {} });
      expect(loss.saveState?.()).toEqual({ values: { examplesSeen: 6 }, arrays: {} });
      expect(() => loss.restoreState?.({ values: {}, arrays: {} })).toThrow(
        'dkd loss: cannot restore its state: missing values.examplesSeen (a dkd state holds values "examplesSeen").',
      );
      expect(() => loss.restoreState?.({ values: { examplesSeen: 2.5 }, arrays: {} })).toThrow(
        'dkd loss: cannot restore its state: values.examplesSeen is 2.5, expected the training examples seen, a whole number of at least 0.',
      );
      expect(() => loss.restoreState?.({ values: { examplesSeen: null }, arrays: {} })).toThrow(/values\.examplesSeen is null/);
      expect(() => loss.restoreState?.({ values: { examplesSeen: 3 }, arrays: { studentMemory: new Float32Array(4) } })).toThrow(
        /dkd loss: cannot restore its state: unexpected arrays\.studentMemory/,
      );
      expect(loss.saveState?.()).toEqual({ values: { examplesSeen: 6 }, arrays: {} });
      loss.restoreState?.(saved!);
      expect(loss.saveState?.()).toEqual({ values: { examplesSeen: 3 }, arrays: {} });
    });
  });

  it('checks its inputs: labels in range, matching teacher logits, a teacher in the run', () => {
    const loss = createDkd({}, 3);
    tf.tidy(() => {
      const student = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => loss.compute(logitsInputs(student, tf.tensor1d([0, 3], 'int32'), student))).toThrow('dkd loss: labels[1] is 3, outside the classes [0, 2].');
      expect(() => loss.compute(logitsInputs(student, tf.tensor1d([0, 1], 'int32'), tf.zeros([2, 4]) as tf.Tensor2D))).toThrow(
        'dkd loss: teacher logits shape [2,4] does not match student logits shape [2,3].',
      );
      expect(() => loss.compute(logitsInputs(student, tf.tensor1d([0, 1], 'int32')))).toThrow(/dkd loss: compute\(\) was given no teacher outputs/);
    });
    expect(() => dkdLoss.create(dkdOptions.parse({}), logitsContext(3, false))).toThrow(/dkd loss: this run has no teacher/);
  });

  it('treats the teacher logits as constants and leaves no tensors behind', () => {
    const loss = createDkd({}, 3);
    const labels = tf.tensor1d([0, 2], 'int32');
    const student = tf.tensor2d([[0.1, 0.5, -0.2], [1.0, -1.0, 0.3]]);
    const teacher = tf.tensor2d([[1.5, 0.2, -0.9], [0.0, 0.8, 0.6]]);
    const [, teacherGrad] = tf.grads((s: tf.Tensor, t: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labels, t as tf.Tensor2D)))([student, teacher]);
    expect(Array.from(teacherGrad?.dataSync() ?? [Number.NaN]).every((value) => value === 0)).toBe(true);
    const before = tf.memory().numTensors;
    const value = loss.compute(logitsInputs(student, labels, teacher));
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([value, labels, student, teacher, teacherGrad]);
  });

  it('has the paper defaults alpha 1, beta 8, T 4 and no warm-up; needs the teacher logits', () => {
    expect(dkdOptions.parse({})).toEqual({ alpha: 1, beta: 8, temperature: 4, warmupEpochs: 0 });
    expect(dkdOptions.safeParse({ warmupEpochs: 2.5 }).error?.issues[0]?.path).toEqual(['warmupEpochs']);
    expect(dkdOptions.safeParse({ temperature: 0 }).error?.issues[0]?.message).toBe('temperature must be above 0 (it divides the logits).');
    expect(dkdLoss.needs(dkdOptions.parse({}))).toEqual({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] });
    expect(dkd({ beta: 8, warmupEpochs: 20, weight: 1 })).toEqual({ kind: 'dkd', beta: 8, warmupEpochs: 20, weight: 1 });
  });
});
