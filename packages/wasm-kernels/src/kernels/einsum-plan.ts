import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The role of one subscript in a two-operand einsum, as a batched matrix product sees it. */
export interface TwoOperandRoles {
  /** In both operands and the output: the batch of the product. */
  batch: number[];
  /** In both operands, not the output: the contracted (inner) axis. */
  contracted: number[];
  /** Only in the first operand and the output: the rows. */
  freeA: number[];
  /** Only in the second operand and the output: the columns. */
  freeB: number[];
  /** Only in the first operand, not the output: summed away first. */
  summedA: number[];
  /** Only in the second operand, not the output: summed away first. */
  summedB: number[];
}

/** A decoded einsum equation: subscripts as indices (output subscripts first), with their sizes. */
export interface EinsumEquation {
  /** Number of output subscripts (they are indices `0 .. outputRank - 1`). */
  outputRank: number;
  /** For each operand, the subscript index of each of its axes. */
  operandSubscripts: number[][];
  /** Size of each subscript. */
  sizes: number[];
}

/**
 * Decodes `equation` for `operands` with tfjs' own parser and checks, so errors read as tfjs' do.
 * @throws Error from tfjs for malformed equations, more than two operands or mismatched sizes.
 */
export function decodeEinsum(equation: string, operands: TensorInfo[]): EinsumEquation {
  const { allDims, summedDims, idDims } = backend_util.decodeEinsumEquation(equation, operands.length);
  backend_util.checkEinsumDimSizes(allDims.length, idDims, operands as never);
  const sizes = new Array<number>(allDims.length).fill(1);
  idDims.forEach((subscripts, operand) => subscripts.forEach((subscript, axis) => (sizes[subscript] = operands[operand]!.shape[axis]!)));
  return { outputRank: allDims.length - summedDims.length, operandSubscripts: idDims, sizes };
}

/** Sorts the subscripts of a two-operand einsum into their matrix-product roles. */
export function twoOperandRoles(equation: EinsumEquation): TwoOperandRoles {
  const [subscriptsA = [], subscriptsB = []] = equation.operandSubscripts;
  const roles: TwoOperandRoles = { batch: [], contracted: [], freeA: [], freeB: [], summedA: [], summedB: [] };
  for (let subscript = 0; subscript < equation.sizes.length; subscript++) {
    const inA = subscriptsA.includes(subscript);
    const inB = subscriptsB.includes(subscript);
    const inOutput = subscript < equation.outputRank;
    if (inA && inB) (inOutput ? roles.batch : roles.contracted).push(subscript);
    else if (inA) (inOutput ? roles.freeA : roles.summedA).push(subscript);
    else if (inB) (inOutput ? roles.freeB : roles.summedB).push(subscript);
  }
  return roles;
}

/** The permutation that brings axes labelled `from` into the order `to` (both lists of subscripts). */
export function permutationBetween(from: number[], to: number[]): number[] {
  return to.map((subscript) => from.indexOf(subscript));
}

/** The product of the sizes of `subscripts` (1 for none). */
export function sizeOf(equation: EinsumEquation, subscripts: number[]): number {
  return subscripts.reduce((product, subscript) => product * equation.sizes[subscript]!, 1);
}
