/**
 * The parts of the WebAssembly JavaScript API this package uses. Node has them all; the compile
 * targets plain ES2023 without the DOM library, whose typings carry the `WebAssembly` namespace.
 */

/** A WebAssembly linear memory. */
export interface WasmMemory {
  /** The memory's bytes (a new buffer after every growth). */
  readonly buffer: ArrayBuffer;
  /** Adds `pages` pages of 64 KiB; returns the previous size in pages. */
  grow(pages: number): number;
}

/** A compiled module. */
export type WasmModule = object;

/** An instantiated module. */
export interface WasmInstance {
  /** Its exports by name. */
  readonly exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

/** The global `WebAssembly` object, typed. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
