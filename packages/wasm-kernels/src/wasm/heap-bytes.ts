import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The Emscripten heap views of the wasm module, which tfjs' typings leave out. */
interface EmscriptenHeap {
  /** The whole wasm memory as bytes (replaced by Emscripten whenever the memory grows). */
  HEAPU8: Uint8Array;
}

/** The wasm backend's memory as bytes, current as of now (fetch it again after any allocation). */
export function heapBytes(backend: BackendWasm): Uint8Array {
  return (backend.wasm as unknown as EmscriptenHeap).HEAPU8;
}
