import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether `path` is an existing regular file (following symbolic links). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is an existing directory (following symbolic links). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The first of `names` that is a file in `dir`, as a full path, or `undefined`. */
export async function firstFileIn(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const path = join(dir, name);
    if (await isFile(path)) return path;
  }
  return undefined;
}
