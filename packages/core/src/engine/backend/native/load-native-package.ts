import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { NativePackageName } from './native-package.js';

/** A native TensorFlow.js package once loaded. */
export interface LoadedNativePackage {
  /** The package's exports (tfjs-node re-exports all of `@tensorflow/tfjs`). */
  exports: unknown;
  /** The file that was loaded. */
  path: string;
  /** The native build folder it came from; undefined when it was installed the usual way. */
  nativeDir: string | undefined;
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0]!;
}

function isInside(path: string, folder: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder !== '' && !fromFolder.startsWith(`..${sep}`) && fromFolder !== '..';
}

/**
 * Finds where a native package would load from without loading it: kdlab's own `node_modules`
 * first, then the native build folder. Undefined when it is in neither.
 *
 * @param pkg - `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu`.
 * @param nativeDir - The native build folder, if there is one.
 */
export function resolveNativePackage(pkg: NativePackageName, nativeDir: string | undefined): Omit<LoadedNativePackage, 'exports'> | undefined {
  try {
    return { path: createRequire(import.meta.url).resolve(pkg), nativeDir: undefined };
  } catch {
    // Not installed the usual way: look in the native build folder.
  }
  if (nativeDir === undefined) return undefined;
  try {
    const path = createRequire(join(nativeDir, 'package.json')).resolve(pkg);
    return isInside(path, nativeDir) ? { path, nativeDir } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a native TensorFlow.js package: as installed with kdlab (`npm install @tensorflow/tfjs-node`),
 * else as built by `kdlab native build` in the native build folder (which is not on the normal module
 * path, so that a clean `npm ci` never sees it).
 *
 * Throws with Node's own "Cannot find module" message when the package is in neither place, and
 * naming the folder when a build there fails to load.
 *
 * @param pkg - `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu`.
 * @param nativeDir - The native build folder, if there is one.
 * @param beforeLoad - Runs once the package is found, just before it loads (to set the environment
 *   the TensorFlow C library reads when it starts).
 */
export function loadNativePackage(pkg: NativePackageName, nativeDir: string | undefined, beforeLoad: () => void = () => undefined): LoadedNativePackage {
  const fromKdlab = createRequire(import.meta.url);
  let usualError: unknown;
  let usualPath: string | undefined;
  try {
    usualPath = fromKdlab.resolve(pkg);
  } catch (error) {
    usualError = error;
  }
  if (usualPath !== undefined) {
    try {
      beforeLoad();
      return { exports: fromKdlab(pkg) as unknown, path: usualPath, nativeDir: undefined };
    } catch (error) {
      usualError = error;
    }
  }
  const fromNative = nativeDir === undefined ? undefined : createRequire(join(nativeDir, 'package.json'));
  let path: string | undefined;
  try {
    path = fromNative?.resolve(pkg);
  } catch {
    path = undefined;
  }
  if (fromNative === undefined || path === undefined || !isInside(path, nativeDir!)) {
    const hint = nativeDir === undefined ? 'no native build folder (.kdlab/native) either' : `not built in ${nativeDir} either`;
    throw new Error(`${firstLine(usualError)} (${hint})`);
  }
  try {
    beforeLoad();
    return { exports: fromNative(pkg) as unknown, path, nativeDir };
  } catch (error) {
    throw new Error(`${pkg} built in ${nativeDir} failed to load: ${firstLine(error)}. Run \`kdlab native build\` again (add --force to rebuild).`);
  }
}
