import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmMemory } from './webassembly-api.js';

/** The wasm memory of the backend's module, which tfjs' typings leave out. */
interface EmscriptenModuleWithExports {
  asm?: { memory?: WasmMemory };
  wasmExports?: { memory?: WasmMemory };
}

/**
 * The memory of tfjs-wasm's module, which kdlab's SIMD functions import, so that they work on
 * tensors on the heap in place.
 * @throws Error when the module does not export it (a tfjs-wasm build kdlab does not know).
 */
export function backendMemory(backend: BackendWasm, user: string): WasmMemory {
  const module = backend.wasm as unknown as EmscriptenModuleWithExports;
  const memory = module.asm?.memory ?? module.wasmExports?.memory;
  if (memory === undefined) throw new Error(`@kdlab/wasm-kernels ${user}: the wasm backend does not export its memory`);
  return memory;
}

/** One instance of a SIMD helper per wasm backend (made on first use). */
export function perBackend<T>(create: (memory: WasmMemory) => T, user: string): (backend: BackendWasm) => T {
  const instances = new WeakMap<BackendWasm, T>();
  return (backend) => {
    let instance = instances.get(backend);
    if (instance === undefined) {
      instance = create(backendMemory(backend, user));
      instances.set(backend, instance);
    }
    return instance;
  };
}
