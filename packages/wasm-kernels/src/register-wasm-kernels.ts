import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { registerEinsumGradient } from './gradients/einsum-gradient.js';
import { registerTileGradient, unregisterTileGradient } from './gradients/tile-gradient.js';
import { registerReluGradient, unregisterReluGradient } from './gradients/relu-gradient.js';
import { KDLAB_WASM_KERNELS } from './kdlab-wasm-kernels.js';
import { PrimitiveKernels } from './wasm/primitive-kernels.js';

/** What registration replaced: the original wasm kernel for each name, or `undefined` where there was none. */
interface Registration {
  originals: Map<string, KernelConfig | undefined>;
  /** Whether registration added the `Einsum` gradient (so that unregistering removes it). */
  addedEinsumGradient: boolean;
  /** Whether registration replaced the `Tile` gradient (so that unregistering restores tfjs' own). */
  replacedTileGradient: boolean;
  /** Whether registration replaced the `Relu` gradient (so that unregistering restores tfjs' own). */
  replacedReluGradient: boolean;
}

/**
 * The registration lives on `globalThis` under a registry symbol, like tfjs' own registries, so that
 * two copies of this package in one process see the same state.
 */
const REGISTRATION_KEY = Symbol.for('@kdlab/wasm-kernels.registration');

type GlobalWithRegistration = typeof globalThis & { [REGISTRATION_KEY]?: Registration };

function currentRegistration(): Registration | undefined {
  return (globalThis as GlobalWithRegistration)[REGISTRATION_KEY];
}

/** How {@link registerWasmKernels} registers. */
export interface RegisterWasmKernelsOptions {
  /**
   * Whether to replace the wasm backend's own kernels with kdlab's faster ones (`BatchMatMul`,
   * `_FusedMatMul`, `Conv2DBackpropInput`, `MaxPoolGrad`, `Sum`, `Mean`, `Cast`, `Identity`, `Tile`)
   * and tfjs' `Tile` gradient with one reshape and sum (see {@link registerTileGradient}).
   * Default `true`; `false` only adds the kernels wasm lacks.
   */
  replaceStockKernels?: boolean;
}

/**
 * Registers kdlab's kernels for tfjs' `'wasm'` backend: fast `BatchMatMul` and `_FusedMatMul`
 * (transposed and batched operands through XNNPACK), fast `Conv2DBackpropInput`, `MaxPoolGrad`,
 * `Sum` and `Mean`, copy-free `Cast` (to the same dtype) and `Identity`, and the kernels the wasm
 * backend lacks for training: `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`,
 * `DepthwiseConv2dNativeBackpropFilter`, `UnsortedSegmentSum` and `Einsum`. Where wasm has a kernel of that name, the original is kept (kdlab's kernel falls back
 * to it) and restored by {@link unregisterWasmKernels}. Also registers a gradient for `Einsum` (see
 * {@link registerEinsumGradient}), for every backend, unless one is registered already, and (unless
 * `replaceStockKernels` is `false`) replaces tfjs' `Tile` gradient, which runs one slice and add per
 * copy (layer norm's, thousands per step), with one reshape and sum ({@link registerTileGradient}),
 * and the `Relu` gradient with one that runs as one SIMD pass on wasm ({@link registerReluGradient};
 * the gradient registry is global, so this applies to every backend). Idempotent:
 * while registered, further calls change nothing (unregister first to change the options). Call it
 * after importing `@tensorflow/tfjs-backend-wasm`; the kernels run only while `'wasm'` is the active
 * backend.
 * @param options - which kernels to register (all by default)
 * @throws Error naming the missing kernel when the wasm backend's kernels are not registered.
 */
export function registerWasmKernels(options: RegisterWasmKernelsOptions = {}): void {
  if (currentRegistration() !== undefined) return;
  const replaceStockKernels = options.replaceStockKernels ?? true;
  const primitives = PrimitiveKernels.capture();
  const originals = new Map<string, KernelConfig | undefined>();
  for (const kernel of KDLAB_WASM_KERNELS) {
    const original = tf.getKernel(kernel.kernelName, 'wasm');
    if (original !== undefined && !replaceStockKernels) continue;
    originals.set(kernel.kernelName, original);
    if (original !== undefined) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: kernel.create(primitives) as unknown as KernelFunc });
  }
  const addedEinsumGradient = registerEinsumGradient();
  const replacedTileGradient = replaceStockKernels && registerTileGradient();
  const replacedReluGradient = replaceStockKernels && registerReluGradient();
  (globalThis as GlobalWithRegistration)[REGISTRATION_KEY] = { originals, addedEinsumGradient, replacedTileGradient, replacedReluGradient };
}

/**
 * Removes kdlab's wasm kernels and registers the originals they replaced again (and removes the
 * `Einsum` gradient and restores the `Tile` gradient where {@link registerWasmKernels} changed
 * them). Idempotent.
 */
export function unregisterWasmKernels(): void {
  const registration = currentRegistration();
  if (registration === undefined) return;
  for (const [kernelName, original] of registration.originals) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    if (original !== undefined) tf.registerKernel(original);
  }
  if (registration.addedEinsumGradient) tf.unregisterGradient('Einsum');
  if (registration.replacedTileGradient) unregisterTileGradient();
  if (registration.replacedReluGradient) unregisterReluGradient();
  delete (globalThis as GlobalWithRegistration)[REGISTRATION_KEY];
}

/** Whether kdlab's wasm kernels are registered now. */
export function areWasmKernelsRegistered(): boolean {
  return currentRegistration() !== undefined;
}
