import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { ceLoss, hintonLoss } from '@kdlab/losses';

const context = { numClasses: 4, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, hasTeacher: true, trainSize: 3 };
const studentLogits = [[2, 0, -1, 0.5], [0, 1, 3, -2], [1, 1, 1, 1]];
const teacherLogits = [[3, -1, 0, 0], [-1, 0, 4, 1], [0, 2, 0, 0]];
const labels = [0, 2, 1];

async function lossesAndGradients(backend: 'cpu' | 'wasm'): Promise<number[][]> {
  await selectBackend(backend);
  const ce = ceLoss.create(ceLoss.options.parse({ labelSmoothing: 0.1 }), context);
  const hinton = hintonLoss.create(hintonLoss.options.parse({ temperature: 4 }), context);
  return tf.tidy(() => {
    const s = tf.tensor2d(studentLogits);
    const t = tf.tensor2d(teacherLogits);
    const y = tf.tensor1d(labels, 'int32');
    const inputs = (logits: tf.Tensor2D) => ({ student: { logits, features: {} }, teacher: { logits: t, features: {} }, labels: y, indices: new Int32Array([0, 1, 2]), training: true });
    return [ce, hinton].flatMap((loss) => {
      const value = loss.compute(inputs(s)).dataSync()[0]!;
      const grad = tf.grad((x: tf.Tensor) => loss.compute(inputs(x as tf.Tensor2D)))(s);
      return [[value], [...grad.dataSync()]];
    });
  });
}

describe('loss values on every backend kdlab ships', () => {
  it('ce and hinton values and gradients on wasm (with kdlab kernels) equal those on cpu', async () => {
    const cpu = await lossesAndGradients('cpu');
    const wasm = await lossesAndGradients('wasm');
    expect(cpu[0]![0]).toBeGreaterThan(0.1);
    cpu.forEach((values, i) => values.forEach((value, j) => expect(wasm[i]![j]).toBeCloseTo(value, 5)));
  });
});
