import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';

/**
 * The gradients kdlab replaced, by kernel name, with the ones they replaced; kept on `globalThis`
 * under a registry symbol (like tfjs' own registries) so that two copies of this package in one
 * process see the same state.
 */
const REPLACED_KEY = Symbol.for('@kdlab/wasm-kernels.replacedGradients');

type GlobalWithReplaced = typeof globalThis & { [REPLACED_KEY]?: Map<string, GradConfig | undefined> };

function replacedGradients(): Map<string, GradConfig | undefined> {
  const state = globalThis as GlobalWithReplaced;
  state[REPLACED_KEY] ??= new Map();
  return state[REPLACED_KEY];
}

/**
 * Registers `config` as the gradient of its kernel, for every backend (the gradient registry is
 * global), keeping the one it replaces for {@link restoreGradient}. Idempotent while `config` is the
 * registered one; when tfjs registered its own again since (importing `@tensorflow/tfjs` or
 * tfjs-node does), it takes it back. Returns whether it registered it now.
 */
export function replaceGradient(config: GradConfig): boolean {
  const current = tf.getGradient(config.kernelName);
  if (current?.gradFunc === config.gradFunc) return false;
  replacedGradients().set(config.kernelName, current);
  tf.registerGradient(config);
  return true;
}

/** Restores the gradient {@link replaceGradient} replaced for `kernelName` (or none). Idempotent. */
export function restoreGradient(kernelName: string): void {
  const replaced = replacedGradients();
  if (!replaced.has(kernelName)) return;
  const original = replaced.get(kernelName);
  if (tf.getGradient(kernelName) !== undefined) tf.unregisterGradient(kernelName);
  if (original !== undefined) tf.registerGradient(original);
  replaced.delete(kernelName);
}
