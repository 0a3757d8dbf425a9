import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The environment variable naming the folder that holds kdlab's native build. */
export const NATIVE_DIR_VARIABLE = 'KDLAB_NATIVE_DIR';

/** Where `kdlab native build` puts its output, below the working folder, when no other folder is given. */
export const DEFAULT_NATIVE_DIR = join('.kdlab', 'native');

/** Where to look for the native build folder. */
export interface NativeDirOptions {
  /** A folder given explicitly (`--dir`); wins over the environment. */
  nativeDir?: string;
  /** What a relative folder is resolved against, and where the upward search starts; defaults to the process's folder. */
  cwd?: string;
  /** Where `KDLAB_NATIVE_DIR` is read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

function explicitNativeDir(options: NativeDirOptions, cwd: string): string | undefined {
  const given = options.nativeDir ?? (options.env ?? process.env)[NATIVE_DIR_VARIABLE];
  return given !== undefined && given !== '' ? resolve(cwd, given) : undefined;
}

/**
 * The folder `kdlab native build` writes to: the one given, else `KDLAB_NATIVE_DIR`, else
 * `.kdlab/native` in the working folder.
 *
 * @param options - The folder, working folder and environment.
 */
export function nativeBuildDir(options: NativeDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  return explicitNativeDir(options, cwd) ?? resolve(cwd, DEFAULT_NATIVE_DIR);
}

/**
 * The folder a native build is loaded from: the one given, else `KDLAB_NATIVE_DIR`, else the nearest
 * `.kdlab/native` in the working folder or one of its parents (so kdlab finds the build when run from a
 * sub-folder of the project). Undefined when there is none.
 *
 * @param options - The folder, working folder and environment.
 * @param exists - Tells whether a path exists (replaceable in tests).
 */
export function findNativeDir(options: NativeDirOptions = {}, exists: (path: string) => boolean = existsSync): string | undefined {
  const cwd = resolve(options.cwd ?? process.cwd());
  const explicit = explicitNativeDir(options, cwd);
  if (explicit !== undefined) return exists(explicit) ? explicit : undefined;
  for (let folder = cwd; ; folder = dirname(folder)) {
    const candidate = join(folder, DEFAULT_NATIVE_DIR);
    if (exists(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}
