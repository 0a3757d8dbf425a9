import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL_NAME } from '../kernels/relu-grad.js';
import { replaceGradient, restoreGradient } from './replace-gradient.js';

/**
 * `Relu`'s gradient, `dy * step(x)`: on wasm with kdlab's kernels, one SIMD pass (kdlab's
 * `KdlabReluGrad`); elsewhere, and for other dtypes, tfjs' own computation (`mul(dy, step(cast(x)))`),
 * so other backends compute exactly what they did.
 */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const gradient = Array.isArray(dy) ? dy[0]! : dy;
    const x = saved[0]!;
    return {
      x: () => {
        const fused = tf.getBackend() === 'wasm' && tf.getKernel(RELU_GRAD_KERNEL_NAME, 'wasm') !== undefined && x.dtype === 'float32' && gradient.dtype === 'float32';
        return fused ? (tf.engine().runKernel(RELU_GRAD_KERNEL_NAME, { dy: gradient, x }) as Tensor) : tf.mul(gradient, tf.step(tf.cast(x, 'float32')));
      },
    };
  },
};

/** Registers {@link reluGradConfig} as tfjs' `Relu` gradient (every backend), keeping tfjs' for {@link unregisterReluGradient}. */
export function registerReluGradient(): boolean {
  return replaceGradient(reluGradConfig);
}

/** Restores the `Relu` gradient {@link registerReluGradient} replaced. Idempotent. */
export function unregisterReluGradient(): void {
  restoreGradient('Relu');
}
