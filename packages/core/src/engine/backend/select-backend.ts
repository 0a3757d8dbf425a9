import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import type { BackendName, BackendRequest } from './backend-name.js';
import { BACKEND_NAMES } from './backend-name.js';
import { loadNativePackage } from './native/load-native-package.js';
import { findNativeDir } from './native/native-location.js';
import { NATIVE_PACKAGES, type NativeBackendName } from './native/native-package.js';
import { registerTensorflowBatchMatMul } from './native/tensorflow-batch-mat-mul.js';
import { registerTensorflowCast } from './native/tensorflow-cast.js';
import { registerTensorflowMean } from './native/tensorflow-mean.js';
import { registerTensorflowReshape } from './native/tensorflow-reshape.js';
import { registerTensorflowStep } from './native/tensorflow-step.js';
import { registerTensorflowSum } from './native/tensorflow-sum.js';
import { registerTensorflowTranspose } from './native/tensorflow-transpose.js';
import { withoutSourceMaps } from './native/without-source-maps.js';
import { readNativeManifest } from './native/native-manifest.js';
import { loadNativeOps, type NativeOpsStatus } from './native/native-ops.js';
import { applyNativeThreads, describeNativeThreads, resolveNativeThreads, type NativeThreadSettings } from './native/native-threads.js';
import { quietTensorFlow } from './native/tensorflow-log.js';

// The native-backend runtime (where a local build lives, its manifest, thread settings, probes) is
// exported with the backend choice that uses it.
export * from './native/index.js';

/** The backend kdlab runs on, once chosen. */
export interface BackendInfo {
  /** kdlab's name for it. */
  name: BackendName;
  /** The name TensorFlow.js registered it under (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** A one-line description for people and for the run's tags, e.g. `wasm (SIMD, 1 thread, kdlab kernels)`. */
  description: string;
}

/** Thrown when a backend that was asked for by name cannot be loaded. */
export class BackendUnavailableError extends Error {
  /** @param backend - the backend asked for. @param reason - why it could not load. */
  constructor(
    readonly backend: BackendName,
    reason: string,
  ) {
    super(`The "${backend}" backend was requested but cannot be used: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Intra-op threads for a native backend (`--threads`); else `KDLAB_THREADS`, the `TF_NUM_*` variables, or the core count. */
  threads?: number;
  /** The native build folder (`kdlab native build`); else `KDLAB_NATIVE_DIR`, else the nearest `.kdlab/native`. */
  nativeDir?: string;
}

type Loader = (options: SelectBackendOptions) => Promise<BackendInfo>;

/** The thread settings the TensorFlow C library was loaded with: it reads them once per process. */
let loadedNativeThreads: NativeThreadSettings | undefined;

async function loadNative(name: NativeBackendName, options: SelectBackendOptions): Promise<BackendInfo> {
  const pkg = NATIVE_PACKAGES[name];
  const threads = loadedNativeThreads ?? resolveNativeThreads(options.threads !== undefined ? { threads: options.threads } : {});
  // Set once the package is found, before the library loads (it reads them when tfjs-node creates its
  // context); the INFO lines TensorFlow prints on load are hidden unless the user asked for them.
  const prepareEnvironment = (): void => {
    applyNativeThreads(threads);
    quietTensorFlow();
  };
  let loaded;
  try {
    loaded = withoutSourceMaps(() => loadNativePackage(pkg, findNativeDir(options.nativeDir !== undefined ? { nativeDir: options.nativeDir } : {}), prepareEnvironment));
  } catch (error) {
    const build = `kdlab native build${name === 'node-gpu' ? ' --gpu' : ''}`;
    throw new BackendUnavailableError(name, `${pkg} could not be imported (${(error as Error).message.split('\n')[0]}). Install it, or build it against a local TensorFlow C library (\`${build}\`).`);
  }
  loadedNativeThreads = threads;
  if (!(await tf.setBackend('tensorflow'))) throw new BackendUnavailableError(name, `${pkg} loaded but the "tensorflow" backend did not initialise.`);
  await tf.ready();
  registerTensorflowReshape();
  registerTensorflowStep();
  registerTensorflowTranspose();
  registerTensorflowSum();
  registerTensorflowMean();
  registerTensorflowBatchMatMul();
  registerTensorflowCast();
  const ops = await fusedOpsFor(name, loaded.nativeDir);
  const binding = (tf.backend() as { binding?: { TF_Version?: string } }).binding;
  const library = `TensorFlow ${binding?.TF_Version ?? '(version unknown)'} C library`;
  const origin = loaded.nativeDir !== undefined ? `, built in ${loaded.nativeDir}` : '';
  const fused = ops.kernels.length > 0 ? `kdlab fused ops: ${ops.kernels.length}` : `no kdlab fused ops: ${ops.reason ?? 'none registered'}`;
  return { name, tfBackend: 'tensorflow', description: `${name} (${pkg}${origin}, ${library}, ${describeNativeThreads(threads)}, ${fused})` };
}

/** Loads kdlab's fused TensorFlow ops of a `kdlab native build` (see {@link loadNativeOps}); none for a tfjs-node installed from npm. */
async function fusedOpsFor(name: NativeBackendName, nativeDir: string | undefined): Promise<NativeOpsStatus> {
  if (nativeDir === undefined) return loadNativeOps(undefined, `${NATIVE_PACKAGES[name]} was installed from npm (kdlab native build compiles them)`);
  let manifest;
  try {
    manifest = await readNativeManifest(nativeDir);
  } catch (error) {
    return loadNativeOps(undefined, (error as Error).message.split('\n')[0]!);
  }
  return loadNativeOps(manifest.builds[name]?.ops);
}

async function loadWasm(): Promise<BackendInfo> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new BackendUnavailableError('wasm', `@tensorflow/tfjs-backend-wasm could not be imported (${(error as Error).message}).`);
  }
  if (!(await tf.setBackend('wasm'))) throw new BackendUnavailableError('wasm', 'the wasm binary did not initialise.');
  await tf.ready();
  const { registerWasmKernels } = await import('@kdlab/wasm-kernels');
  registerWasmKernels();
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : '1 thread';
  return { name: 'wasm', tfBackend: 'wasm', description: `wasm (${simd}, ${threads}, kdlab kernels)` };
}

async function loadCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', tfBackend: 'cpu', description: 'cpu (pure JavaScript: slow, use for checks only)' };
}

const LOADERS: Record<BackendName, Loader> = {
  'node-gpu': (options) => loadNative('node-gpu', options),
  node: (options) => loadNative('node', options),
  wasm: loadWasm,
  cpu: loadCpu,
};

/**
 * Chooses and initialises the TensorFlow.js backend.
 *
 * `auto` tries `node-gpu`, `node`, `wasm`, then `cpu`, using the first that loads. A backend asked for
 * by name that cannot load is a {@link BackendUnavailableError}; kdlab never silently falls back then.
 *
 * A native backend (`node-gpu`, `node`) is loaded from kdlab's `node_modules` or, failing that, from
 * the folder `kdlab native build` built it in; its TensorFlow thread pools are sized from
 * `options.threads`, `KDLAB_THREADS`, the `TF_NUM_*` variables or the core count, and the
 * description says which.
 *
 * @param request - a backend name or `auto`.
 * @param onSkip - told why each backend that `auto` skipped could not load.
 * @param options - thread count and native build folder for the native backends.
 */
export async function selectBackend(
  request: BackendRequest,
  onSkip?: (name: BackendName, reason: string) => void,
  options: SelectBackendOptions = {},
): Promise<BackendInfo> {
  // Production mode: no debug-mode checks, and no "install tfjs-node" banner on the cpu backend
  // (kdlab says itself which backend runs and why).
  tf.env().set('PROD', true);
  const info = await loadBackend(request, onSkip, options);
  // tfjs' Tile gradient runs one slice per copy (layer norm tiles four tensors): kdlab's is one
  // reshape and one sum, correct on every backend, so it replaces tfjs' everywhere. Registered after
  // the backend loaded: tfjs-node imports all of tfjs, whose gradients would replace it again.
  const { registerTileGradient } = await import('@kdlab/wasm-kernels');
  registerTileGradient();
  return info;
}

async function loadBackend(request: BackendRequest, onSkip: ((name: BackendName, reason: string) => void) | undefined, options: SelectBackendOptions): Promise<BackendInfo> {
  if (request !== 'auto') return LOADERS[request](options);
  for (const name of BACKEND_NAMES) {
    try {
      return await LOADERS[name](options);
    } catch (error) {
      onSkip?.(name, (error as Error).message);
    }
  }
  throw new Error('No TensorFlow.js backend could be loaded, not even cpu.');
}
