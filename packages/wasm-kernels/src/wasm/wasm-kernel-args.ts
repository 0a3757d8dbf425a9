import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** What tfjs hands a kernel running on the wasm backend. */
export interface WasmKernelArgs {
  /** The kernel's named inputs (for example `a` and `b` of `BatchMatMul`). */
  inputs: NamedTensorInfoMap;
  /** The wasm backend the kernel runs on. */
  backend: BackendWasm;
  /** The kernel's attributes (for example `transposeA`). */
  attrs?: NamedAttrMap;
}

/** A kernel function for the wasm backend, typed with the wasm backend itself. */
export type WasmKernelFunc = (args: WasmKernelArgs) => TensorInfo | TensorInfo[];
