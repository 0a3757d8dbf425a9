import { util } from '@tensorflow/tfjs-core';

/**
 * For each matrix of a batched product with leading axes `outBatchShape`, the index of the matrix of
 * an operand with leading axes `operandBatchShape` it reads (numpy broadcasting: axes of size 1, and
 * missing leading axes, repeat).
 */
export function broadcastBatchIndices(operandBatchShape: number[], outBatchShape: number[]): number[] {
  const offset = outBatchShape.length - operandBatchShape.length;
  const operandStrides = util.computeStrides(operandBatchShape);
  const outSize = util.sizeFromShape(outBatchShape);
  const indices: number[] = [];
  for (let flat = 0; flat < outSize; flat++) {
    let remainder = flat;
    let operandIndex = 0;
    for (let axis = outBatchShape.length - 1; axis >= 0; axis--) {
      const size = outBatchShape[axis]!;
      const coordinate = remainder % size;
      remainder = Math.floor(remainder / size);
      const operandAxis = axis - offset;
      if (operandAxis < 0 || operandBatchShape[operandAxis] === 1) continue;
      const stride = operandAxis === operandBatchShape.length - 1 ? 1 : operandStrides[operandAxis]!;
      operandIndex += coordinate * stride;
    }
    indices.push(operandIndex);
  }
  return indices;
}
