import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import type { WasmOps } from '../wasm/wasm-ops.js';
import { decodeEinsum, permutationBetween, sizeOf, twoOperandRoles } from './einsum-plan.js';
import type { EinsumEquation } from './einsum-plan.js';
import { fastMatMul } from './fast-mat-mul.js';

/**
 * kdlab's `Einsum` for wasm, which has none; every form tfjs accepts (one or two operands, no
 * repeated subscript within an operand, no ellipsis). One operand: a transpose, then a sum over the
 * subscripts missing from the output. Two operands: subscripts only in one operand and not in the
 * output are summed away, then both are transposed to `[batch, rows, inner]` / `[batch, inner,
 * columns]` and multiplied with the fast matmul (XNNPACK), and the product is transposed to the
 * output order.
 * @throws Error naming the dtypes when an operand is not float32.
 */
export function createEinsum(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs = {} }: WasmKernelArgs): TensorInfo => {
    const operands = Object.keys(inputs)
      .sort((first, second) => Number(first) - Number(second))
      .map((key) => inputs[key])
      .filter((operand): operand is TensorInfo => operand !== undefined);
    const equation = decodeEinsum(attrs['equation'] as string, operands);
    if (operands.some((operand) => operand.dtype !== 'float32')) {
      throw new Error(`@kdlab/wasm-kernels Einsum: needs float32 operands, got ${operands.map((operand) => operand.dtype).join(', ')}`);
    }
    return runWithWasmOps(primitives, backend, (ops) =>
      operands.length === 1 ? oneOperand(ops, equation, operands[0]!) : twoOperands(ops, equation, operands[0]!, operands[1]!),
    );
  };
}

/** `x` with the axes in `order` (no copy for the identity). */
function arrange(ops: WasmOps, x: TensorInfo, labels: number[], order: number[]): TensorInfo {
  const perm = permutationBetween(labels, order);
  return perm.every((axis, index) => axis === index) ? x : ops.transpose(x, perm);
}

/** `x` (laid out as `[kept..., summed...]`) summed over its trailing `summedSize` elements. */
function sumTrailing(ops: WasmOps, x: TensorInfo, keptShape: number[], summedSize: number, summedCount: number): TensorInfo {
  if (summedCount === 0) return ops.reshape(x, keptShape);
  const keptSize = keptShape.reduce((product, size) => product * size, 1);
  return ops.reshape(ops.sum(ops.reshape(x, [keptSize, summedSize]), [1]), keptShape);
}

function oneOperand(ops: WasmOps, equation: EinsumEquation, x: TensorInfo): TensorInfo {
  const labels = equation.operandSubscripts[0]!;
  const output = labels.filter((subscript) => subscript < equation.outputRank).sort((first, second) => first - second);
  const summed = labels.filter((subscript) => subscript >= equation.outputRank);
  const arranged = arrange(ops, x, labels, [...output, ...summed]);
  return sumTrailing(ops, arranged, output.map((subscript) => equation.sizes[subscript]!), sizeOf(equation, summed), summed.length);
}

function twoOperands(ops: WasmOps, equation: EinsumEquation, a: TensorInfo, b: TensorInfo): TensorInfo {
  const roles = twoOperandRoles(equation);
  const [batch, rows, inner, columns] = [roles.batch, roles.freeA, roles.contracted, roles.freeB].map((subscripts) => sizeOf(equation, subscripts)) as [
    number,
    number,
    number,
    number,
  ];
  const leftOrder = [...roles.batch, ...roles.freeA, ...roles.contracted, ...roles.summedA];
  const left = sumTrailing(ops, arrange(ops, a, equation.operandSubscripts[0]!, leftOrder), [batch, rows, inner], sizeOf(equation, roles.summedA), roles.summedA.length);
  const rightOrder = [...roles.batch, ...roles.contracted, ...roles.freeB, ...roles.summedB];
  const right = sumTrailing(ops, arrange(ops, b, equation.operandSubscripts[1]!, rightOrder), [batch, inner, columns], sizeOf(equation, roles.summedB), roles.summedB.length);
  const productLabels = [...roles.batch, ...roles.freeA, ...roles.freeB];
  const product = ops.reshape(
    fastMatMul(ops, left, right, false, false),
    productLabels.map((subscript) => equation.sizes[subscript]!),
  );
  const outputOrder = Array.from({ length: equation.outputRank }, (_, subscript) => subscript);
  return arrange(ops, product, productLabels, outputOrder);
}
