import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The input `name` of `kernelName`.
 * @throws Error naming the kernel and the input when tfjs did not pass it.
 */
export function requireInput(inputs: NamedTensorInfoMap, name: string, kernelName: string): TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`@kdlab/wasm-kernels ${kernelName}: input '${name}' is missing`);
  return input;
}
