import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areWasmKernelsRegistered, KDLAB_WASM_KERNELS, registerWasmKernels, unregisterWasmKernels } from '../src/index.js';
import { useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);
afterAll(() => registerWasmKernels());

const kernelNames = KDLAB_WASM_KERNELS.map((kernel) => kernel.kernelName);

function currentKernels(): Map<string, KernelConfig | undefined> {
  return new Map(kernelNames.map((name) => [name, tf.getKernel(name, 'wasm')]));
}

describe('registerWasmKernels / unregisterWasmKernels', () => {
  it('replaces exactly the kernels wasm has and adds the ones it lacks', () => {
    unregisterWasmKernels();
    const stock = currentKernels();
    registerWasmKernels();
    const kdlab = currentKernels();
    for (const kernel of KDLAB_WASM_KERNELS) {
      expect(stock.get(kernel.kernelName) !== undefined, kernel.kernelName).toBe(kernel.replacesOriginal);
      expect(kdlab.get(kernel.kernelName), kernel.kernelName).toBeDefined();
      expect(kdlab.get(kernel.kernelName)?.kernelFunc, kernel.kernelName).not.toBe(stock.get(kernel.kernelName)?.kernelFunc);
    }
    expect(areWasmKernelsRegistered()).toBe(true);
  });

  it('is idempotent', () => {
    registerWasmKernels();
    const first = currentKernels();
    registerWasmKernels();
    const second = currentKernels();
    for (const name of kernelNames) expect(second.get(name)?.kernelFunc, name).toBe(first.get(name)?.kernelFunc);
  });

  it('restores the original kernel configs, removes the added kernels and the Einsum gradient', () => {
    unregisterWasmKernels();
    const stock = currentKernels();
    const stockEinsumGradient = tf.getGradient('Einsum');
    registerWasmKernels();
    expect(tf.getGradient('Einsum')).toBeDefined();
    unregisterWasmKernels();
    const restored = currentKernels();
    for (const name of kernelNames) expect(restored.get(name), name).toBe(stock.get(name));
    expect(restored.get('Conv2DBackpropFilter')).toBeUndefined();
    expect(tf.getGradient('Einsum')).toBe(stockEinsumGradient);
    expect(areWasmKernelsRegistered()).toBe(false);
    unregisterWasmKernels();
    expect(currentKernels()).toEqual(restored);
    registerWasmKernels();
  });

  it('names the missing wasm kernel when the wasm backend is not loaded, and registers nothing', () => {
    unregisterWasmKernels();
    const transpose = tf.getKernel('Transpose', 'wasm');
    tf.unregisterKernel('Transpose', 'wasm');
    try {
      expect(() => registerWasmKernels()).toThrow(/'Transpose' is not registered.*@tensorflow\/tfjs-backend-wasm/);
      expect(areWasmKernelsRegistered()).toBe(false);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    } finally {
      tf.registerKernel(transpose);
    }
    registerWasmKernels();
    expect(areWasmKernelsRegistered()).toBe(true);
  });
});

describe('registerWasmKernels({ replaceStockKernels: false })', () => {
  it('adds only the kernels wasm lacks and keeps the stock ones', () => {
    unregisterWasmKernels();
    const stock = currentKernels();
    registerWasmKernels({ replaceStockKernels: false });
    try {
      const registered = currentKernels();
      for (const kernel of KDLAB_WASM_KERNELS) {
        if (kernel.replacesOriginal) expect(registered.get(kernel.kernelName), kernel.kernelName).toBe(stock.get(kernel.kernelName));
        else expect(registered.get(kernel.kernelName), kernel.kernelName).toBeDefined();
      }
    } finally {
      unregisterWasmKernels();
    }
    expect(currentKernels()).toEqual(stock);
    registerWasmKernels();
  });
});
