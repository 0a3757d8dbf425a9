import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTileGradient, registerWasmKernels, tileGradConfig, tileGradientPlan, unregisterTileGradient, unregisterWasmKernels } from '../src/index.js';
import { tileInto } from '../src/wasm/tile-copy.js';
import { gradientsOf, intInput, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';
import type { InputData, Outputs } from './support/backends.js';
import { bitIdentical } from './support/original-kernels.js';

beforeAll(useWasmWithKdlabKernels);

/** Runs `compute` on cpu with tfjs' own `Tile` gradient (kdlab's is global once registered). */
async function onCpuWithStockTileGradient(inputs: InputData[], compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<Outputs> {
  unregisterTileGradient();
  try {
    return await runOn('cpu', inputs, compute);
  } finally {
    registerTileGradient();
  }
}

/** Tiling by definition: output element `i` reads input element `i_k mod shape_k` on every axis. */
function naiveTile(source: Float32Array, shape: number[], reps: number[]): Float32Array {
  const outShape = shape.map((size, axis) => size * reps[axis]!);
  const size = outShape.reduce((product, extent) => product * extent, 1);
  const result = new Float32Array(size);
  for (let flat = 0; flat < size; flat++) {
    let remainder = flat;
    let from = 0;
    let stride = 1;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const coordinate = remainder % outShape[axis]!;
      remainder = Math.floor(remainder / outShape[axis]!);
      from += (coordinate % shape[axis]!) * stride;
      stride *= shape[axis]!;
    }
    result[flat] = source[from]!;
  }
  return result;
}

const tilings: Array<{ shape: number[]; reps: number[] }> = [
  { shape: [5], reps: [3] },
  { shape: [2, 3], reps: [3, 2] },
  { shape: [1, 1, 4], reps: [3, 5, 1] },
  { shape: [3, 5, 1], reps: [1, 1, 4] },
  { shape: [2, 1, 3, 2], reps: [2, 3, 1, 2] },
  { shape: [2, 2, 1, 3, 2], reps: [1, 2, 3, 1, 2] },
  { shape: [4, 3], reps: [1, 1] },
];

describe('tileInto (the copy behind kdlab Tile)', () => {
  for (const { shape, reps } of tilings) {
    it(`[${shape}] x [${reps}] equals tiling by definition`, () => {
      const source = Float32Array.from({ length: shape.reduce((product, size) => product * size, 1) }, (_, index) => index + 1);
      const target = new Float32Array(shape.reduce((product, size, axis) => product * size * reps[axis]!, 1));
      tileInto(source, target, shape, reps);
      expect(Array.from(target)).toEqual(Array.from(naiveTile(source, shape, reps)));
    });
  }

  it('copies a scalar and leaves an empty tensor alone', () => {
    const target = new Float32Array(1);
    tileInto(Float32Array.of(7), target, [], []);
    expect(target[0]).toBe(7);
    expect(() => tileInto(new Float32Array(0), new Float32Array(0), [0, 3], [2, 1])).not.toThrow();
  });
});

describe('Tile on wasm matches cpu', () => {
  for (const { shape, reps } of tilings) {
    it(`float32 [${shape}] x [${reps}], bit for bit`, async () => {
      const result = await onBothBackends([randomInput(shape, 3)], (x) => tf.tile(x!, reps));
      expect(result.wasm.shapes).toEqual(result.cpu.shapes);
      expect(bitIdentical(result.wasm, result.cpu)).toBe(true);
    });
  }

  it('int32 and bool tensors', async () => {
    const ints = await onBothBackends([intInput([2, 3], [1, -2, 3, 4, 5, -6])], (x) => tf.tile(x!, [2, 3]));
    expect(bitIdentical(ints.wasm, ints.cpu)).toBe(true);
    const bools = await onBothBackends([intInput([3, 1], [1, 0, 1])], (x) => tf.tile(tf.cast(x!, 'bool'), [2, 4]));
    expect(bitIdentical(bools.wasm, bools.cpu)).toBe(true);
  });

  it('names both shapes when reps do not match the rank', async () => {
    await expect(runOn('wasm', [randomInput([2, 3], 4)], (x) => tf.engine().runKernel('Tile', { x: x! }, { reps: [2] }) as tf.Tensor)).rejects.toThrow(/reps \[2\].*\[2, 3\]/);
  });
});

describe('Tile gradient (one reshape and sum, registered by registerWasmKernels)', () => {
  it('splits each tiled axis into [copies, size], dropping axes of size 1', () => {
    expect(tileGradientPlan([1, 1, 64], [32, 50, 1])).toEqual({ splitShape: [32, 50, 64], summedAxes: [0, 1] });
    expect(tileGradientPlan([32, 50, 1], [1, 1, 64])).toEqual({ splitShape: [32, 50, 64], summedAxes: [2] });
    expect(tileGradientPlan([2, 3], [1, 1])).toEqual({ splitShape: [2, 3], summedAxes: [] });
    expect(() => tileGradientPlan([2, 3], [2])).toThrow(/reps \[2\].*\[2, 3\]/);
  });

  for (const { shape, reps } of tilings.filter((tiling) => tiling.shape.length <= 4)) {
    it(`[${shape}] x [${reps}]: on wasm and on cpu, equal to tfjs' own gradient on cpu`, async () => {
      const inputs = [randomInput(shape, 5)];
      const gradient = gradientsOf((x) => tf.tile(x!, reps));
      const kdlab = await onBothBackends(inputs, gradient);
      const stock = await onCpuWithStockTileGradient(inputs, gradient);
      expect(largestRelativeDifference(kdlab.wasm, stock)).toBeLessThan(RELATIVE_TOLERANCE);
      expect(largestRelativeDifference(kdlab.cpu, stock)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  it('rank 5 (tfjs own gradient stops at rank 4) equals the sum of the copies', async () => {
    const { shape, reps } = tilings.find((tiling) => tiling.shape.length === 5)!;
    const inputs = [randomInput(shape, 6)];
    const kdlab = await runOn('wasm', inputs, gradientsOf((x) => tf.tile(x!, reps)));
    // tile(x) as a concatenation of copies along each axis: its gradient is the sum over the copies
    const byConcatenation = (x: tf.Tensor): tf.Tensor => reps.reduce((tiled, copies, axis) => tf.concat(Array.from({ length: copies }, () => tiled), axis), x);
    const reference = await runOn('cpu', inputs, gradientsOf((x) => byConcatenation(x!)));
    expect(largestRelativeDifference(kdlab, reference)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('a tfjs-layers layer norm trains with no Slice kernels and the gradients of tfjs own Tile gradient', async () => {
    const layer = tfl.layers.layerNormalization({ epsilon: 1e-5, inputShape: [6, 8] });
    layer.build([null, 6, 8]);
    const inputs = [randomInput([4, 6, 8], 7)];
    const gradient = gradientsOf((x) => layer.apply(x!) as tf.Tensor);
    const kdlab = await runOn('wasm', inputs, gradient);
    const stock = await onCpuWithStockTileGradient(inputs, gradient);
    expect(largestRelativeDifference(kdlab, stock)).toBeLessThan(RELATIVE_TOLERANCE);
    const profile = await tf.profile(() => tf.tidy(() => gradient(tf.tensor(inputs[0]!.values, inputs[0]!.shape))));
    expect(profile.kernels.filter((kernel) => kernel.name === 'Slice').length).toBe(0);
  });

  it('is restored by unregisterWasmKernels and kept by replaceStockKernels: false', () => {
    unregisterWasmKernels();
    const stock = tf.getGradient('Tile');
    expect(stock).toBeDefined();
    expect(stock).not.toBe(tileGradConfig);
    registerWasmKernels();
    expect(tf.getGradient('Tile')).toBe(tileGradConfig);
    unregisterWasmKernels();
    expect(tf.getGradient('Tile')).toBe(stock);
    registerWasmKernels({ replaceStockKernels: false });
    expect(tf.getGradient('Tile')).toBe(stock);
    unregisterWasmKernels();
    registerWasmKernels();
  });

  it('registerTileGradient is idempotent and unregisterTileGradient restores the replaced gradient', () => {
    unregisterWasmKernels();
    const stock = tf.getGradient('Tile');
    expect(registerTileGradient()).toBe(true);
    expect(registerTileGradient()).toBe(false);
    expect(tf.getGradient('Tile')).toBe(tileGradConfig);
    unregisterTileGradient();
    unregisterTileGradient();
    expect(tf.getGradient('Tile')).toBe(stock);
    registerWasmKernels();
  });

  it('registerTileGradient takes the gradient back after tfjs registered its own again (as importing tfjs-node does)', () => {
    unregisterWasmKernels();
    const stock = tf.getGradient('Tile')!;
    expect(registerTileGradient()).toBe(true);
    tf.registerGradient(stock); // what loading all of tfjs again does
    expect(tf.getGradient('Tile')).toBe(stock);
    expect(registerTileGradient()).toBe(true);
    expect(tf.getGradient('Tile')).toBe(tileGradConfig);
    unregisterTileGradient();
    expect(tf.getGradient('Tile')).toBe(stock);
    registerWasmKernels();
  });
});
