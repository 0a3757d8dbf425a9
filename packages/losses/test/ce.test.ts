import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ceLoss, ceOptions } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { expectClose } from './support/expect-close.js';
import { checkGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { logitsContext, logitsInputs } from './support/loss-inputs.js';

useCpuBackend();
const golden = readGolden();

/** The `ce` loss value and its gradient w.r.t. the student logits, on the cpu backend. */
function ceValueAndGradient(student: number[][], labels: number[], labelSmoothing: number) {
  const numClasses = student[0]?.length ?? 0;
  const loss = ceLoss.create(ceOptions.parse({ labelSmoothing }), logitsContext(numClasses, false));
  const logits = tf.tensor2d(student);
  const labelTensor = tf.tensor1d(labels, 'int32');
  const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss.compute(logitsInputs(s as tf.Tensor2D, labelTensor)))(logits);
  const result = { value: value.dataSync()[0] ?? Number.NaN, grad: Array.from(grad.dataSync()) };
  tf.dispose([logits, labelTensor, value, grad]);
  return result;
}

describe('ce loss', () => {
  describe('matches PyTorch F.cross_entropy (value within 1e-6 + 1e-6·|value|, gradient within 1e-6 per entry)', () => {
    for (const testCase of golden.ce) {
      it(testCase.name, () => {
        const { value, grad } = ceValueAndGradient(testCase.student, testCase.labels, testCase.options.labelSmoothing);
        expectClose([value], [testCase.loss], 1e-6, 1e-6);
        expectClose(grad, testCase.gradStudent.flat(), 1e-6, 0);
      });
    }
  });

  it('has a gradient that agrees with float64 central differences (h = 1e-2, 1e-4 + 2e-3·|g|), with and without label smoothing', () => {
    const labels = tf.tensor1d([2, 0, 4], 'int32');
    const logits = tf.tensor2d([
      [0.3, -1.2, 2.1, 0.0, 0.7],
      [1.5, 0.4, -0.3, -2.0, 0.9],
      [-0.6, 0.2, 0.1, 1.1, -1.4],
    ]);
    for (const labelSmoothing of [0, 0.25]) {
      const loss = ceLoss.create(ceOptions.parse({ labelSmoothing }), logitsContext(5, false));
      const check = checkGradient((s) => loss.compute(logitsInputs(s as tf.Tensor2D, labels)), logits);
      expect(check.passed, check.summary).toBe(true);
    }
    tf.dispose([labels, logits]);
  });

  it('is stable for logits of magnitude 1e4 (finite value and gradient)', () => {
    const { value, grad } = ceValueAndGradient([[1e4, -1e4, 0], [-5e3, 5e3, 5e3]], [1, 2], 0.1);
    expect(Number.isFinite(value)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(value).toBeGreaterThan(1e3);
  });

  it('needs no teacher and can be created in a run without one', () => {
    expect(ceLoss.needs(ceOptions.parse({}))).toEqual({ teacherLogits: false, studentFeatures: [], teacherFeatures: [] });
    const loss = ceLoss.create(ceOptions.parse({}), logitsContext(3, false));
    expect(loss.variables).toEqual([]);
    loss.dispose();
  });

  it('defaults labelSmoothing to 0', () => {
    expect(ceOptions.parse({})).toEqual({ labelSmoothing: 0 });
  });

  it.each([
    [-0.1, 'labelSmoothing must be at least 0'],
    [1, 'labelSmoothing must be below 1'],
    ['0.1', 'labelSmoothing must be a number'],
  ])('rejects labelSmoothing %j with an error on that field', (labelSmoothing, message) => {
    const parsed = ceOptions.safeParse({ labelSmoothing });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['labelSmoothing']);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it('rejects an unknown option (a typo such as labelSmothing) instead of ignoring it', () => {
    const parsed = ceOptions.safeParse({ labelSmothing: 0.1 });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('labelSmothing');
  });

  describe('errors name the loss and the offending shape, dtype or value', () => {
    const loss = ceLoss.create(ceOptions.parse({}), logitsContext(3, false));
    const cases: [string, () => [tf.Tensor2D, tf.Tensor1D], RegExp][] = [
      ['logits with the wrong number of classes', () => [tf.zeros([2, 4]), tf.tensor1d([0, 1], 'int32')], /ce loss: student logits must have shape \[batch,3\].*got \[2,4\]/],
      ['float labels', () => [tf.zeros([2, 3]), tf.tensor1d([0, 1], 'float32')], /ce loss: labels must be int32.*float32/],
      ['labels of another batch size', () => [tf.zeros([2, 3]), tf.tensor1d([0, 1, 2], 'int32')], /ce loss: labels must have shape \[2\].*got \[3\]/],
      ['a label outside the classes', () => [tf.zeros([2, 3]), tf.tensor1d([0, 3], 'int32')], /ce loss: labels\[1\] is 3, outside the classes \[0, 2\]/],
      ['a negative label', () => [tf.zeros([2, 3]), tf.tensor1d([-1, 0], 'int32')], /ce loss: labels\[0\] is -1/],
    ];
    for (const [what, make, message] of cases) {
      it(what, () => {
        const [logits, labels] = make();
        expect(() => loss.compute(logitsInputs(logits, labels))).toThrow(message);
        tf.dispose([logits, labels]);
      });
    }
  });

  it('rejects a context with fewer than 2 classes when created', () => {
    expect(() => ceLoss.create(ceOptions.parse({}), logitsContext(1, false))).toThrow(/ce loss: context.numClasses/);
  });

  it('leaves no tensors behind but its scalar result', () => {
    const loss = ceLoss.create(ceOptions.parse({ labelSmoothing: 0.1 }), logitsContext(3, false));
    const logits = tf.tensor2d([[1, 2, 3]]);
    const labels = tf.tensor1d([2], 'int32');
    const before = tf.memory().numTensors;
    const value = loss.compute(logitsInputs(logits, labels));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(value.shape).toEqual([]);
    tf.dispose([value, logits, labels]);
  });
});
