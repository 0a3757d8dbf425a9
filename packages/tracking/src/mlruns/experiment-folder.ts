import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomically } from '@kdlab/core';
import { experimentMetaEntries, type MlrunsExperimentInfo } from './experiment-meta.js';
import { emitMetaYaml } from './meta-yaml.js';
import { MLRUNS } from './store-layout.js';

/**
 * Makes sure experiment `experimentId` exists in the store with `name`: creates its folder and,
 * when no `meta.yaml` is there yet, writes one completely (temporary file, then rename). Several
 * writers may do this for the same id at once; each leaves a complete file.
 *
 * @param root - Absolute path of the store.
 * @param experimentId - The id, which is also the folder's name.
 * @param name - The experiment's name.
 * @returns The experiment as written, or `undefined` when a `meta.yaml` was already there.
 */
export async function materializeExperiment(root: string, experimentId: string, name: string): Promise<MlrunsExperimentInfo | undefined> {
  const folder = join(root, experimentId);
  const metaFile = join(folder, MLRUNS.metaFile);
  await mkdir(folder, { recursive: true });
  if (await fileExists(metaFile)) return undefined;
  const now = Date.now();
  const info: MlrunsExperimentInfo = {
    experimentId,
    name,
    artifactLocation: pathToFileURL(folder).href,
    lifecycleStage: MLRUNS.activeStage,
    creationTime: now,
    lastUpdateTime: now,
  };
  await writeFileAtomically(root, metaFile, emitMetaYaml(experimentMetaEntries(info), metaFile));
  return info;
}

/**
 * Whether a file (or folder) exists at `path`.
 *
 * @param path - The path to test.
 */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
