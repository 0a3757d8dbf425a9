import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerReluGradient, reluGradConfig, RELU_GRAD_KERNEL_NAME, unregisterReluGradient, unregisterWasmKernels, registerWasmKernels } from '../src/index.js';
import { randomInput, runOn, useWasmWithKdlabKernels, type InputData } from './support/backends.js';
import { bitIdentical, runOnStockWasm } from './support/original-kernels.js';

beforeAll(useWasmWithKdlabKernels);

/** `x` with zeros of both signs, infinities and NaN among random values; `dy` with negative values (signed zeros in the product). */
function inputs(shape: number[]): InputData[] {
  const x = randomInput(shape, 3);
  const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-45, -1e-45];
  specials.forEach((value, index) => (x.values[(index * 5) % x.values.length] = value));
  return [randomInput(shape, 4), x];
}

const reluGradient = (dy: tf.Tensor, x: tf.Tensor): tf.Tensor => tf.grad((input: tf.Tensor) => tf.relu(input))(x, dy);

describe('Relu gradient on wasm (one SIMD pass)', () => {
  for (const shape of [[3], [4], [7, 5], [2, 5, 5, 8]]) {
    it(`[${shape.join(', ')}]: bit-identical to tfjs' Step and Multiply on stock wasm, special values included`, async () => {
      const data = inputs(shape);
      const kdlab = await runOn('wasm', data, reluGradient);
      expect(bitIdentical(kdlab, await runOnStockWasm(data, reluGradient))).toBe(true);
      expect(Array.from(kdlab.values[0]!).some((value) => value !== 0)).toBe(true);
    });
  }

  it('runs the fused kernel and no Step or Multiply', async () => {
    const [dy, x] = inputs([6, 9]).map((input) => tf.tensor(input.values, input.shape));
    const profile = await tf.profile(() => reluGradient(dy!, x!));
    const kernels = profile.kernelNames;
    expect(kernels).toContain(RELU_GRAD_KERNEL_NAME);
    expect(kernels).not.toContain('Step');
    expect(kernels).not.toContain('Multiply');
    tf.dispose([dy!, x!]);
  });

  it('leaves the cpu backend computing what tfjs does', async () => {
    const data = inputs([7, 5]);
    const kdlab = await runOn('cpu', data, reluGradient);
    const tfjs = await runOn('cpu', data, (dy, x) => tf.mul(dy!, tf.step(x!)));
    expect(bitIdentical(kdlab, tfjs)).toBe(true);
  });

  it('is registered with the kernels and unregistered with them, restoring tfjs\' gradient', () => {
    expect(tf.getGradient('Relu')).toBe(reluGradConfig);
    unregisterWasmKernels();
    const stock = tf.getGradient('Relu');
    expect(stock).not.toBe(reluGradConfig);
    expect(registerReluGradient()).toBe(true);
    expect(registerReluGradient()).toBe(false);
    unregisterReluGradient();
    expect(tf.getGradient('Relu')).toBe(stock);
    registerWasmKernels();
    expect(tf.getGradient('Relu')).toBe(reluGradConfig);
  });

  it('names both inputs when they do not match', () => {
    const [dy, x] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
    expect(() => tf.engine().runKernel(RELU_GRAD_KERNEL_NAME, { dy, x })).toThrow(/dy float32 \[2, 3\] and x float32 \[3, 2\]/);
    tf.dispose([dy, x]);
  });
});
