import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PrimitiveKernels } from '../wasm/primitive-kernels.js';
import type { WasmKernelArgs, WasmKernelFunc } from '../wasm/wasm-kernel-args.js';
import { runWithWasmOps } from '../wasm/wasm-ops.js';
import { fastMatMul } from './fast-mat-mul.js';
import { requireInput } from './require-input.js';

/**
 * kdlab's `BatchMatMul` for wasm: {@link fastMatMul} for float32 operands (every matmul gradient
 * transposes one operand, which sends the original kernel to its slow loop); any other dtype goes to
 * the original kernel, which reports it.
 */
export function createBatchMatMul(primitives: PrimitiveKernels): WasmKernelFunc {
  return ({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo => {
    const a = requireInput(inputs, 'a', 'BatchMatMul');
    const b = requireInput(inputs, 'b', 'BatchMatMul');
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    return runWithWasmOps(primitives, backend, (ops) =>
      a.dtype === 'float32' && b.dtype === 'float32'
        ? fastMatMul(ops, a, b, transposeA, transposeB)
        : ops.originalMatMul(a, b, transposeA, transposeB),
    );
  };
}
