import { createHash, randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_FILE_PREFIX } from '@kdlab/core';
import { materializeExperiment } from './experiment-folder.js';
import { experimentInfoFromMeta, type MlrunsExperimentInfo } from './experiment-meta.js';
import { newExperimentId } from './new-ids.js';
import { readMetaYaml, scanActiveExperiments } from './store-scan.js';
import { MLRUNS } from './store-layout.js';

/** Prefix of the claim files that make experiment creation safe between processes (files in the root, which the server ignores). */
export const EXPERIMENT_CLAIM_PREFIX = '.kdlab-experiment-';

/** How many claim generations are tried (a new one is needed each time a claimed experiment was renamed). */
const MAX_CLAIM_GENERATIONS = 100;

/**
 * Finds the active experiment called `name`, or creates it, safely against other processes
 * creating it at the same moment.
 *
 * An existing experiment is found as the MLflow server finds it (`*\/meta.yaml`, active, the
 * newest when several share the name). Otherwise a writer claims the name: it links a claim file
 * `.kdlab-experiment-<sha256(name)>-<generation>` holding a fresh id into the store root, which
 * succeeds for exactly one writer; every other writer reads the winner's id from the claim.
 * Whoever holds the id then makes sure the experiment folder and its `meta.yaml` exist, so a
 * writer that crashed after claiming cannot leave the name unusable. A claim whose experiment
 * has since been renamed is skipped for the next generation.
 *
 * @param root - Absolute path of the store.
 * @param name - The experiment's name.
 * @returns The experiment.
 * @throws Error when the name's experiment was deleted (it sits in `.trash`), as MLflow refuses to reuse it.
 */
export async function findOrCreateExperiment(root: string, name: string): Promise<MlrunsExperimentInfo> {
  if (name.trim() === '') throw new Error('Experiment name is empty.');
  const existing = await findActiveExperiment(root, name);
  if (existing) return existing;
  const nameHash = createHash('sha256').update(name, 'utf8').digest('hex');
  for (let generation = 1; generation <= MAX_CLAIM_GENERATIONS; generation += 1) {
    const claimFile = join(root, `${EXPERIMENT_CLAIM_PREFIX}${nameHash}-${generation}`);
    const experimentId = await claimOrReadId(root, claimFile);
    const deleted = await readExperiment(join(root, MLRUNS.trashFolder, experimentId));
    if (deleted?.name === name) {
      throw new Error(
        `Experiment '${name}' (id ${experimentId}) is deleted: restore it, or remove '${join(root, MLRUNS.trashFolder, experimentId)}' to reuse the name.`,
      );
    }
    if (deleted) continue;
    const created = await materializeExperiment(root, experimentId, name);
    if (created) return created;
    const current = await readExperiment(join(root, experimentId));
    if (current?.name === name && current.experimentId === experimentId && current.lifecycleStage === MLRUNS.activeStage) return current;
    const foundMeanwhile = await findActiveExperiment(root, name);
    if (foundMeanwhile) return foundMeanwhile;
  }
  throw new Error(`Could not create experiment '${name}' in '${root}': ${MAX_CLAIM_GENERATIONS} claims were all stale.`);
}

/**
 * The active experiment named `name`, as MLflow's `get_experiment_by_name` picks it: the newest
 * by creation time, then the smallest id.
 *
 * @param root - Absolute path of the store.
 * @param name - The experiment's name.
 */
export async function findActiveExperiment(root: string, name: string): Promise<MlrunsExperimentInfo | undefined> {
  const matches = (await scanActiveExperiments(root)).filter((experiment) => experiment.name === name);
  matches.sort(
    (a, b) => (b.creationTime ?? 0) - (a.creationTime ?? 0) || (a.experimentId < b.experimentId ? -1 : a.experimentId > b.experimentId ? 1 : 0),
  );
  return matches[0];
}

/** Links a claim holding a fresh id, or reads the id of the writer that got there first. */
async function claimOrReadId(root: string, claimFile: string): Promise<string> {
  const candidate = newExperimentId();
  const temporary = join(root, `${TEMP_FILE_PREFIX}${randomBytes(12).toString('hex')}`);
  await writeFile(temporary, candidate, { flag: 'wx' });
  try {
    await link(temporary, claimFile);
    return candidate;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const claimed = (await readFile(claimFile, 'utf8')).trim();
    if (!/^[0-9]+$/.test(claimed)) throw new Error(`Experiment claim '${claimFile}' holds '${claimed}', not an experiment id.`);
    return claimed;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The experiment recorded in `folder`, or `undefined` when there is none or it cannot be read. */
async function readExperiment(folder: string): Promise<MlrunsExperimentInfo | undefined> {
  try {
    const meta = await readMetaYaml(folder);
    return meta === undefined ? undefined : experimentInfoFromMeta(meta, join(folder, MLRUNS.metaFile));
  } catch {
    return undefined;
  }
}
