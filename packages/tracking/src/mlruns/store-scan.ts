import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { experimentInfoFromMeta, type MlrunsExperimentInfo } from './experiment-meta.js';
import { parseMetaYaml, type MetaYaml } from './meta-yaml.js';
import { MLRUNS, NON_EXPERIMENT_FOLDERS, NON_RUN_FOLDERS } from './store-layout.js';

/**
 * Names of the sub-folders of `folder`, sorted; an absent folder has none.
 *
 * @param folder - The folder to list.
 * @param excluded - Names to leave out.
 */
export async function listSubfolders(folder: string, excluded: readonly string[] = []): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !excluded.includes(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * The folders of the store root that the MLflow server treats as active experiments.
 *
 * @param root - The store.
 */
export function listExperimentFolders(root: string): Promise<string[]> {
  return listSubfolders(root, NON_EXPERIMENT_FOLDERS);
}

/**
 * The folders of an experiment that the MLflow server treats as runs.
 *
 * @param experimentFolder - The experiment's folder.
 */
export function listRunFolders(experimentFolder: string): Promise<string[]> {
  return listSubfolders(experimentFolder, NON_RUN_FOLDERS);
}

/**
 * Every file under a `metrics`, `params` or `tags` folder, by key (its path relative to the
 * folder, with `/`), sorted by key; an absent folder has none.
 *
 * @param folder - The folder to walk.
 */
export async function listKeyFiles(folder: string): Promise<Map<string, string>> {
  const found: [string, string][] = [];
  const walk = async (current: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(current, entry.name), key);
      else if (entry.isFile()) found.push([key, join(current, entry.name)]);
    }
  };
  await walk(folder, '');
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(found);
}

/**
 * Reads and parses a `meta.yaml`.
 *
 * @param folder - The experiment or run folder.
 * @returns The mapping, or `undefined` when the file does not exist.
 * @throws Error naming the file when it cannot be parsed.
 */
export async function readMetaYaml(folder: string): Promise<MetaYaml | undefined> {
  const file = join(folder, MLRUNS.metaFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseMetaYaml(text, file);
}

/**
 * The active experiments the MLflow server would list: folders whose `meta.yaml` parses and
 * whose recorded id equals the folder name. Entries the server skips are skipped here too.
 *
 * @param root - The store.
 */
export async function scanActiveExperiments(root: string): Promise<MlrunsExperimentInfo[]> {
  const experiments: MlrunsExperimentInfo[] = [];
  for (const folderName of await listExperimentFolders(root)) {
    const folder = join(root, folderName);
    try {
      const meta = await readMetaYaml(folder);
      if (meta === undefined) continue;
      const info = experimentInfoFromMeta(meta, join(folder, MLRUNS.metaFile));
      if (info.experimentId === folderName && info.lifecycleStage === MLRUNS.activeStage) experiments.push(info);
    } catch {
      // A folder this scan cannot read is not an experiment it can use; the validator reports it.
    }
  }
  return experiments;
}
