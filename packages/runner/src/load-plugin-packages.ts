import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContainerModule } from 'inversify';
import { ensureTypeScriptLoader } from './typescript-loader.js';

/**
 * The plugin packages the CLI loads by default. They are imported by name at run time (core cannot
 * import them statically: they depend on core), each exporting its `ContainerModule` as `kdlabModule`.
 */
export const DEFAULT_PLUGIN_PACKAGES = ['@kdlab/losses', '@kdlab/students'] as const;

function isContainerModule(value: unknown): value is ContainerModule {
  return value instanceof ContainerModule || (typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function' && 'id' in value);
}

/** What to import for a specifier: a file path (`./x.ts`, `/abs/x.ts`) from the working folder, else the package name. */
function importTarget(specifier: string): string {
  return specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier) ? pathToFileURL(resolve(specifier)).href : specifier;
}

/**
 * Imports plugin packages (or files, relative to the working folder) and returns their `kdlabModule`
 * exports. A package that cannot be imported, or exports no `kdlabModule`, is an error naming it.
 */
export async function loadPluginPackages(specifiers: readonly string[]): Promise<ContainerModule[]> {
  const modules: ContainerModule[] = [];
  for (const specifier of specifiers) {
    let exported: Record<string, unknown>;
    // A plugin file in TypeScript (`--plugin ./my-plugins.ts`) loads through tsx, as experiment files do.
    if (/\.[cm]?tsx?$/.test(specifier)) ensureTypeScriptLoader();
    try {
      exported = (await import(importTarget(specifier))) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`Plugin package "${specifier}" could not be imported: ${(error as Error).message}`, { cause: error });
    }
    const candidate = exported['kdlabModule'];
    const list = Array.isArray(candidate) ? candidate : [candidate];
    if (candidate === undefined || !list.every(isContainerModule)) {
      throw new Error(`Plugin package "${specifier}" has no "kdlabModule" export (an inversify ContainerModule, or an array of them).`);
    }
    modules.push(...(list as ContainerModule[]));
  }
  return modules;
}
