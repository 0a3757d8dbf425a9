import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsOf, largestRelativeDifference, onBothBackends, randomInput, RELATIVE_TOLERANCE, runOn, useWasmWithKdlabKernels } from './support/backends.js';

beforeAll(useWasmWithKdlabKernels);

describe('Einsum on wasm matches cpu', () => {
  const forms: Array<{ equation: string; shapes: number[][] }> = [
    { equation: 'ij,jk->ik', shapes: [[3, 4], [4, 5]] },
    { equation: 'bij,bjk->bik', shapes: [[2, 3, 4], [2, 4, 5]] },
    { equation: 'bhqd,bhkd->bhqk', shapes: [[2, 3, 5, 4], [2, 3, 6, 4]] },
    { equation: 'abc,cd->dba', shapes: [[2, 3, 5], [5, 4]] },
    { equation: 'i,i->', shapes: [[5], [5]] },
    { equation: 'i,j->ij', shapes: [[5], [3]] },
    { equation: 'ij->ji', shapes: [[3, 4]] },
    { equation: 'ijk->ki', shapes: [[3, 4, 5]] },
    { equation: 'ij->', shapes: [[3, 4]] },
  ];
  for (const { equation, shapes } of forms) {
    it(`'${equation}' within ${RELATIVE_TOLERANCE} of scale`, async () => {
      const result = await onBothBackends(shapes.map((shape, index) => randomInput(shape, index + 1)), (...operands) => tf.einsum(equation, ...operands));
      expect(result.wasm.shapes).toEqual(result.cpu.shapes);
      expect(largestRelativeDifference(result.wasm, result.cpu)).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  // tfjs' cpu Einsum mishandles subscripts summed inside one operand only; the reference there is
  // the same contraction written with sums and an outer product.
  it("'ab,cd->db' (subscripts summed inside each operand) equals the outer product of the sums", async () => {
    const inputs = [randomInput([2, 3], 7), randomInput([5, 4], 8)];
    const wasm = await runOn('wasm', inputs, (a, b) => tf.einsum('ab,cd->db', a!, b!));
    const reference = await runOn('cpu', inputs, (a, b) => tf.outerProduct(tf.sum(b!, 0) as tf.Tensor1D, tf.sum(a!, 0) as tf.Tensor1D));
    expect(wasm.shapes).toEqual([[4, 3]]);
    expect(largestRelativeDifference(wasm, reference)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

describe('Einsum gradient (registered by registerWasmKernels)', () => {
  it("attention scores 'bhqd,bhkd->bhqk' have the gradients of matMul(q, k^T)", async () => {
    const inputs = [randomInput([2, 3, 5, 4], 9), randomInput([2, 3, 6, 4], 10)];
    const einsum = await runOn('wasm', inputs, gradientsOf((q, k) => tf.einsum('bhqd,bhkd->bhqk', q!, k!)));
    const matMul = await runOn('cpu', inputs, gradientsOf((q, k) => tf.matMul(q!, k!, false, true)));
    expect(largestRelativeDifference(einsum, matMul)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it("'ab,cd->db' has the gradients of the outer product of the sums (broadcast over summed subscripts)", async () => {
    const inputs = [randomInput([2, 3], 11), randomInput([5, 4], 12)];
    const einsum = await runOn('wasm', inputs, gradientsOf((a, b) => tf.einsum('ab,cd->db', a!, b!)));
    const reference = await runOn('cpu', inputs, gradientsOf((a, b) => tf.outerProduct(tf.sum(b!, 0) as tf.Tensor1D, tf.sum(a!, 0) as tf.Tensor1D)));
    expect(largestRelativeDifference(einsum, reference)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it("one operand 'ijk->ki' has the gradient of a transpose of a sum, on cpu as on wasm", async () => {
    const inputs = [randomInput([3, 4, 5], 13)];
    const einsum = await onBothBackends(inputs, gradientsOf((x) => tf.einsum('ijk->ki', x!)));
    const reference = await runOn('cpu', inputs, gradientsOf((x) => tf.transpose(tf.sum(x!, 1))));
    expect(largestRelativeDifference(einsum.wasm, reference)).toBeLessThan(RELATIVE_TOLERANCE);
    expect(largestRelativeDifference(einsum.cpu, reference)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});
