import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import type { BackendName, BackendRequest } from './backend-name.js';
import { BACKEND_NAMES } from './backend-name.js';

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

type Loader = () => Promise<BackendInfo>;

async function importOptional(specifier: string): Promise<unknown> {
  // A variable specifier keeps bundlers and type-checkers from requiring the optional package.
  const name = specifier;
  return import(name);
}

async function loadNative(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu', name: BackendName): Promise<BackendInfo> {
  try {
    await importOptional(pkg);
  } catch (error) {
    throw new BackendUnavailableError(name, `${pkg} could not be imported (${(error as Error).message.split('\n')[0]}). Install it, or build it against a local TensorFlow C library.`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new BackendUnavailableError(name, `${pkg} loaded but the "tensorflow" backend did not initialise.`);
  await tf.ready();
  return { name, tfBackend: 'tensorflow', description: `${name} (${pkg}, TensorFlow C library)` };
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
  'node-gpu': () => loadNative('@tensorflow/tfjs-node-gpu', 'node-gpu'),
  node: () => loadNative('@tensorflow/tfjs-node', 'node'),
  wasm: loadWasm,
  cpu: loadCpu,
};

/**
 * Chooses and initialises the TensorFlow.js backend.
 *
 * `auto` tries `node-gpu`, `node`, `wasm`, then `cpu`, using the first that loads. A backend asked for
 * by name that cannot load is a {@link BackendUnavailableError}; kdlab never silently falls back then.
 *
 * @param request - a backend name or `auto`.
 * @param onSkip - told why each backend that `auto` skipped could not load.
 */
export async function selectBackend(request: BackendRequest, onSkip?: (name: BackendName, reason: string) => void): Promise<BackendInfo> {
  // Production mode: no debug-mode checks, and no "install tfjs-node" banner on the cpu backend
  // (kdlab says itself which backend runs and why).
  tf.env().set('PROD', true);
  if (request !== 'auto') return LOADERS[request]();
  for (const name of BACKEND_NAMES) {
    try {
      return await LOADERS[name]();
    } catch (error) {
      onSkip?.(name, (error as Error).message);
    }
  }
  throw new Error('No TensorFlow.js backend could be loaded, not even cpu.');
}
