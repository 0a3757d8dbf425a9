import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The wasm kernels that kdlab's kernels are built from. */
export const PRIMITIVE_KERNEL_NAMES = [
  'Add',
  'BatchMatMul',
  'Cast',
  'Conv2D',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNative',
  'Elu',
  'Identity',
  'LeakyRelu',
  'MaxPoolGrad',
  'Mean',
  'Minimum',
  'Multiply',
  'PadV2',
  'Relu',
  'Relu6',
  'Reshape',
  'Reverse',
  'Sigmoid',
  'Slice',
  'Sum',
  'Tile',
  'Transpose',
  '_FusedMatMul',
] as const;

/** The name of one of the wasm kernels kdlab's kernels are built from. */
export type PrimitiveKernelName = (typeof PRIMITIVE_KERNEL_NAMES)[number];

/**
 * The tfjs wasm backend's own kernel functions, captured before kdlab replaces any of them, so that
 * a replacement can still call the original (a fast `BatchMatMul` calls the plain XNNPACK matmul).
 */
export class PrimitiveKernels {
  private constructor(private readonly functions: ReadonlyMap<PrimitiveKernelName, KernelFunc>) {}

  /**
   * Captures the wasm kernels now registered with tfjs.
   * @throws Error naming the missing kernel when `@tensorflow/tfjs-backend-wasm` was not imported.
   */
  static capture(): PrimitiveKernels {
    const functions = new Map<PrimitiveKernelName, KernelFunc>();
    for (const name of PRIMITIVE_KERNEL_NAMES) {
      const config = tf.getKernel(name, 'wasm');
      if (config === undefined) {
        throw new Error(
          `@kdlab/wasm-kernels: the wasm kernel '${name}' is not registered; ` +
            `import '@tensorflow/tfjs-backend-wasm' before calling registerWasmKernels()`,
        );
      }
      functions.set(name, config.kernelFunc);
    }
    return new PrimitiveKernels(functions);
  }

  /** Runs the captured wasm kernel `name` on `backend`; the caller owns the output. */
  run(name: PrimitiveKernelName, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernelFunc = this.functions.get(name);
    if (kernelFunc === undefined) throw new Error(`@kdlab/wasm-kernels: primitive kernel '${name}' was not captured`);
    const output = kernelFunc({ inputs, backend, attrs });
    if (Array.isArray(output)) throw new Error(`@kdlab/wasm-kernels: primitive kernel '${name}' returned several outputs`);
    return output;
  }
}
