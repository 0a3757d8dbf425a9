import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { materializeExperiment } from './experiment-folder.js';
import { MLRUNS } from './store-layout.js';

/**
 * Opens a store folder as MLflow's file store does: when the folder does not exist it is created
 * with the Default experiment (`0`); the `.trash` folder is created when missing.
 *
 * @param root - Absolute path of the store.
 * @throws Error naming the path when it exists but is not a folder.
 */
export async function openMlrunsStore(root: string): Promise<void> {
  let isNew = false;
  try {
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error(`MLflow store '${root}' exists but is not a folder.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    isNew = true;
  }
  if (isNew) {
    await mkdir(root, { recursive: true });
    await materializeExperiment(root, MLRUNS.defaultExperimentId, MLRUNS.defaultExperimentName);
  }
  await mkdir(join(root, MLRUNS.trashFolder), { recursive: true });
}
