import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder for one test, and a way to remove it. */
export interface TempFolder {
  /** Absolute path of the folder. */
  path: string;
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
}

/**
 * Makes a temporary folder whose name starts with `prefix`.
 *
 * @param prefix - Start of the folder name.
 */
export async function makeTempFolder(prefix = 'kdlab-mlruns-'): Promise<TempFolder> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
