import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAM_UPDATE_KERNEL_NAME, adamModuleBytes, HostAdamState, type AdamStepScalars } from '../src/index.js';
import { webAssembly } from '../src/simd/webassembly-api.js';
import { columnSumModuleBytes } from '../src/simd/column-sum.js';
import { maxPoolGrad2x2ModuleBytes } from '../src/simd/max-pool-grad-2x2.js';
import { reluGradModuleBytes } from '../src/simd/relu-grad.js';
import { outerProductTileModuleBytes } from '../src/simd/outer-product-tile.js';
import { randomInput, useWasmWithKdlabKernels } from './support/backends.js';

/** tfjs' `AdamOptimizer` update of one variable, op for op (tfjs-core's adam_optimizer.js). */
function tfjsAdam(value: tf.Tensor, gradient: tf.Tensor, first: tf.Tensor, second: tf.Tensor, s: AdamStepScalars): tf.Tensor[] {
  return tf.tidy(() => {
    const newFirst = tf.add(tf.mul(first, s.beta1), tf.mul(gradient, 1 - s.beta1));
    const newSecond = tf.add(tf.mul(second, s.beta2), tf.mul(tf.square(gradient), 1 - s.beta2));
    const oneMinusAcc1 = tf.sub(1, tf.scalar(1 - s.oneMinusAccBeta1));
    const oneMinusAcc2 = tf.sub(1, tf.scalar(1 - s.oneMinusAccBeta2));
    const value2 = tf.add(tf.mul(tf.div(tf.div(newFirst, oneMinusAcc1), tf.add(tf.sqrt(tf.div(newSecond, oneMinusAcc2)), s.epsilon)), -s.learningRate), value);
    return [value2, newFirst, newSecond];
  });
}

/** Step scalars of step `t` as tfjs' optimizer holds them (float32 products of the decays). */
function scalarsAt(t: number, learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): AdamStepScalars {
  let acc1 = Math.fround(beta1);
  let acc2 = Math.fround(beta2);
  for (let i = 1; i < t; i++) {
    acc1 = Math.fround(acc1 * Math.fround(beta1));
    acc2 = Math.fround(acc2 * Math.fround(beta2));
  }
  return { beta1, beta2, oneMinusAccBeta1: Math.fround(1 - acc1), oneMinusAccBeta2: Math.fround(1 - acc2), epsilon, learningRate };
}

const tensorOf = (shape: number[], seed: number): tf.Tensor => tf.tensor(randomInput(shape, seed).values, shape, 'float32');

function expectBitIdentical(actual: tf.Tensor, expected: tf.Tensor): void {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  let mismatches = 0;
  for (let i = 0; i < e.length; i++) if (!Object.is(a[i], e[i])) mismatches++;
  expect(mismatches).toBe(0);
}

describe("kdlab's SIMD modules", () => {
  it('are valid WebAssembly (SIMD)', () => {
    expect(webAssembly.validate(adamModuleBytes())).toBe(true);
    expect(webAssembly.validate(columnSumModuleBytes())).toBe(true);
    expect(webAssembly.validate(maxPoolGrad2x2ModuleBytes())).toBe(true);
    expect(webAssembly.validate(reluGradModuleBytes())).toBe(true);
    expect(webAssembly.validate(outerProductTileModuleBytes())).toBe(true);
  });
});

describe(`${ADAM_UPDATE_KERNEL_NAME} on wasm`, () => {
  beforeAll(useWasmWithKdlabKernels);

  // Sizes that exercise the SIMD body, the scalar tail and both together.
  for (const shape of [[1], [3], [4], [7], [13, 7], [64, 33]]) {
    it(`equals tfjs' Adam bit for bit over 4 steps for [${shape.join(', ')}]`, () => {
      let [value, first, second] = [tensorOf(shape, 1), tf.zeros(shape), tf.zeros(shape)];
      let [refValue, refFirst, refSecond] = [value.clone(), first.clone(), second.clone()];
      for (let t = 1; t <= 4; t++) {
        const gradient = tf.mul(tensorOf(shape, 10 + t), t === 2 ? 1e-6 : 1);
        const scalars = scalarsAt(t, 0.01);
        const fused = tf.engine().runKernel(ADAM_UPDATE_KERNEL_NAME, { value, gradient, first, second }, { ...scalars }) as tf.Tensor[];
        const reference = tfjsAdam(refValue, gradient, refFirst, refSecond, scalars);
        tf.dispose([value, first, second, refValue, refFirst, refSecond, gradient]);
        [value, first, second] = fused as [tf.Tensor, tf.Tensor, tf.Tensor];
        [refValue, refFirst, refSecond] = reference as [tf.Tensor, tf.Tensor, tf.Tensor];
      }
      expectBitIdentical(value, refValue);
      expectBitIdentical(first, refFirst);
      expectBitIdentical(second, refSecond);
      // The update moved the value (a test that cannot pass by returning the input).
      expect(Math.abs(value.dataSync()[0]! - tensorOf(shape, 1).dataSync()[0]!)).toBeGreaterThan(1e-3);
      tf.dispose([value, first, second, refValue, refFirst, refSecond]);
    });
  }

  it('leaves its inputs unchanged and allocates only its three outputs', () => {
    const shape = [5, 6];
    const [value, gradient, first, second] = [tensorOf(shape, 1), tensorOf(shape, 2), tensorOf(shape, 3), tf.abs(tensorOf(shape, 4))];
    const before = [value, gradient, first, second].map((t) => [...t.dataSync()]);
    const tensors = tf.memory().numTensors;
    const outputs = tf.engine().runKernel(ADAM_UPDATE_KERNEL_NAME, { value, gradient, first, second }, { ...scalarsAt(3) }) as tf.Tensor[];
    expect(tf.memory().numTensors).toBe(tensors + 3);
    expect([value, gradient, first, second].map((t) => [...t.dataSync()])).toEqual(before);
    tf.dispose([...outputs, value, gradient, first, second]);
  });

  it('names the input whose shape differs', () => {
    const [value, gradient, first, second] = [tf.zeros([2, 3]), tf.zeros([3, 2]), tf.zeros([2, 3]), tf.zeros([2, 3])];
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL_NAME, { value, gradient, first, second }, { ...scalarsAt(1) })).toThrow(/'gradient' is float32 \[3, 2\].*\[2, 3\]/);
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL_NAME, { value, gradient: value, first, second }, { ...scalarsAt(1), epsilon: undefined } as never)).toThrow(/'epsilon' must be a number/);
    tf.dispose([value, gradient, first, second]);
  });
});

describe('HostAdamState', () => {
  it('equals tfjs Adam on the cpu backend bit for bit, with several slots and memory growth', async () => {
    await tf.setBackend('cpu');
    const state = new HostAdamState();
    const shapes = [[3], [300, 301], [17]]; // the second slot grows the memory past its first page
    const slots = shapes.map((shape, i) => {
      const slot = state.allocate(shape.reduce((a, b) => a * b, 1));
      state.writeValue(slot, tensorOf(shape, 20 + i).dataSync());
      return slot;
    });
    const refs = shapes.map((shape, i) => [tensorOf(shape, 20 + i), tf.zeros(shape), tf.zeros(shape)]);
    let values: Float32Array[] = [];
    for (let t = 1; t <= 3; t++) {
      values = shapes.map((shape, i) => {
        const gradient = tensorOf(shape, 40 + 3 * t + i);
        const stepped = state.step(slots[i]!, gradient.dataSync(), scalarsAt(t));
        const next = tfjsAdam(refs[i]![0]!, gradient, refs[i]![1]!, refs[i]![2]!, scalarsAt(t));
        tf.dispose([...refs[i]!, gradient]);
        refs[i] = next;
        return stepped;
      });
    }
    shapes.forEach((shape, i) => {
      expectBitIdentical(tf.tensor(values[i]!, shape), refs[i]![0]!);
      expectBitIdentical(tf.tensor(state.view(slots[i]!.first, slots[i]!.count), shape), refs[i]![1]!);
      expectBitIdentical(tf.tensor(state.view(slots[i]!.second, slots[i]!.count), shape), refs[i]![2]!);
    });
    await useWasmWithKdlabKernels();
  });
});
