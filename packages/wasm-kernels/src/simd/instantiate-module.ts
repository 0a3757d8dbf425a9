import { webAssembly, type WasmMemory, type WasmModule } from './webassembly-api.js';

const compiled = new Map<() => Uint8Array, WasmModule>();

/**
 * The export `name` of the module `bytes()` makes, instantiated on `memory`; the module is compiled
 * once per process.
 */
export function instantiateExport<F>(bytes: () => Uint8Array, memory: WasmMemory, name: string): F {
  let module = compiled.get(bytes);
  if (module === undefined) {
    module = new webAssembly.Module(bytes());
    compiled.set(bytes, module);
  }
  return new webAssembly.Instance(module, { env: { memory } }).exports[name] as F;
}
