import { register } from 'tsx/esm/api';

let registered = false;

/**
 * Registers tsx's loader for the whole process (not a namespaced one), once: an experiment file or a
 * plugin file in TypeScript, and the plugins it imports, must share kdlab's module instances (one
 * TensorFlow.js engine, one zod, one inversify), so they are imported into the same module graph as the
 * CLI. Needed where kdlab runs compiled (an installed package); kdlab's own checkout runs under tsx already.
 */
export function ensureTypeScriptLoader(): void {
  if (registered) return;
  registered = true;
  if (process.execArgv.some((arg) => arg.includes('tsx'))) return; // already running under tsx
  register();
}
