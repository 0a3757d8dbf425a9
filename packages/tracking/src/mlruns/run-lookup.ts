import { join } from 'node:path';
import { fileExists } from './experiment-folder.js';
import { listExperimentFolders } from './store-scan.js';
import { MLRUNS } from './store-layout.js';

/**
 * The id of the active experiment holding run `runId`, found as MLflow finds a run: by a folder
 * of that name with a `meta.yaml` in one of the experiment folders.
 *
 * @param root - Absolute path of the store.
 * @param runId - The run's id.
 * @returns The experiment id, or `undefined` when no active experiment holds the run.
 */
export async function findRunExperimentId(root: string, runId: string): Promise<string | undefined> {
  for (const experimentId of await listExperimentFolders(root)) {
    if (await fileExists(join(root, experimentId, runId, MLRUNS.metaFile))) return experimentId;
  }
  return undefined;
}
