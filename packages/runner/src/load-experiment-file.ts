import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import { ensureTypeScriptLoader } from './typescript-loader.js';

/** What an experiment file exports. */
export interface LoadedExperimentFile {
  /** The absolute path of the file. */
  path: string;
  /** Its default export: the experiment, still unvalidated. */
  experiment: unknown;
  /**
   * The plugin modules it exports as `plugins` (a `ContainerModule` or an array of them): how a
   * study registers its own losses and models without touching kdlab.
   */
  plugins: ContainerModule[];
}

/**
 * Loads an experiment file (`.ts` through tsx, or `.js`/`.mjs` as they are). Throws naming the file when it is
 * missing, fails to load, or has no default export.
 */
export async function loadExperimentFile(file: string, cwd = process.cwd()): Promise<LoadedExperimentFile> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new Error(`${file}: no such experiment file.`);
  // Only a TypeScript file needs tsx's loader: registering it costs a plain JavaScript one a module-hooks
  // thread and source maps for every module loaded after it (bench/native/MEMORY.md, section 6).
  if (/\.[cm]?tsx?$/.test(path)) ensureTypeScriptLoader();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: the experiment file failed to load: ${(error as Error).message}`, { cause: error });
  }
  const experiment = module['default'];
  if (experiment === undefined) {
    throw new Error(`${file}: no default export. Export the experiment: export default defineExperiment({ ... }).`);
  }
  const exported = module['plugins'];
  const plugins = exported === undefined ? [] : Array.isArray(exported) ? exported : [exported];
  return { path, experiment, plugins: plugins as ContainerModule[] };
}
