import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { entityKeyProblem, type EntityKind } from './entity-key.js';
import { EXPERIMENT_META_REQUIRED_KEYS } from './experiment-meta.js';
import type { MetaYaml } from './meta-yaml.js';
import { parseMetricLine } from './metric-line.js';
import type { MlrunsProblem, MlrunsRule } from './mlruns-problem.js';
import { RUN_META_REQUIRED_KEYS } from './run-meta.js';
import { runStatusName } from './run-status-code.js';
import { listExperimentFolders, listKeyFiles, listRunFolders, listSubfolders, readMetaYaml } from './store-scan.js';
import { EXPERIMENT_ID_PATTERN, MLRUNS, RUN_ID_PATTERN } from './store-layout.js';

type Report = (rule: MlrunsRule, path: string, message: string) => void;

/**
 * Checks a local MLflow store against every rule the MLflow 2.12 server relies on when it lists,
 * searches and reads runs: folder names that are valid ids and equal the recorded ids (else the
 * entry is skipped silently, or the whole search fails), `meta.yaml` files that parse and hold
 * every required key with the right types, an integer status code, valid key names for metrics,
 * params and tags, non-empty metric files of well-formed, newline-terminated lines, and unique
 * active experiment names. Deleted experiments in `.trash` are checked too.
 *
 * @param root - The store folder.
 * @returns Every problem found; empty for a sound store.
 */
export async function validateMlrunsStore(root: string): Promise<MlrunsProblem[]> {
  const problems: MlrunsProblem[] = [];
  const report: Report = (rule, path, message) => problems.push({ rule, path, message });
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) {
    report('store-missing', root, 'the store folder does not exist or is not a folder');
    return problems;
  }
  const activeNames = new Map<string, string[]>();
  const trash = join(root, MLRUNS.trashFolder);
  const locations: [string, string, boolean][] = [
    ...(await listExperimentFolders(root)).map((name): [string, string, boolean] => [root, name, true]),
    ...(await listSubfolders(trash)).map((name): [string, string, boolean] => [trash, name, false]),
  ];
  for (const [parent, folderName, active] of locations) {
    const name = await checkExperiment(join(parent, folderName), folderName, report);
    if (active && name !== undefined) activeNames.set(name, [...(activeNames.get(name) ?? []), folderName]);
  }
  for (const [name, ids] of activeNames) {
    if (ids.length > 1) {
      report('experiment-name-duplicate', root, `active experiments ${ids.join(', ')} share the name '${name}'; lookups by name see only one`);
    }
  }
  return problems;
}

/** Checks one experiment folder and its runs; returns its name when it is listed as active. */
async function checkExperiment(folder: string, folderName: string, report: Report): Promise<string | undefined> {
  if (!EXPERIMENT_ID_PATTERN.test(folderName)) {
    report('experiment-folder-name', folder, `'${folderName}' is not a valid experiment id: the server's experiment search fails`);
    return undefined;
  }
  const meta = await readMeta(folder, 'experiment', report);
  if (meta === undefined) return undefined;
  const metaFile = join(folder, MLRUNS.metaFile);
  if (!hasRequiredKeys(meta, EXPERIMENT_META_REQUIRED_KEYS, metaFile, 'experiment-meta-required-key', report)) return undefined;
  const id = meta['experiment_id'];
  const recordedId = typeof id === 'number' ? String(id) : id;
  for (const key of ['name', 'artifact_location', 'lifecycle_stage']) {
    if (typeof meta[key] !== 'string') report('experiment-meta-type', metaFile, `'${key}' must be a string, got ${JSON.stringify(meta[key])}`);
  }
  if (recordedId !== folderName) {
    report('experiment-id-mismatch', metaFile, `records experiment_id ${JSON.stringify(id)} in folder '${folderName}': the server skips the experiment`);
    return undefined;
  }
  await checkKeyFiles(join(folder, MLRUNS.tagsFolder), 'tag', report);
  for (const runFolderName of await listRunFolders(folder)) await checkRun(join(folder, runFolderName), runFolderName, folderName, report);
  return meta['lifecycle_stage'] === MLRUNS.activeStage && typeof meta['name'] === 'string' ? meta['name'] : undefined;
}

async function checkRun(folder: string, runId: string, experimentId: string, report: Report): Promise<void> {
  if (!RUN_ID_PATTERN.test(runId)) report('run-folder-name', folder, `'${runId}' is not a valid run id`);
  const meta = await readMeta(folder, 'run', report);
  if (meta === undefined) return;
  const metaFile = join(folder, MLRUNS.metaFile);
  if (!hasRequiredKeys(meta, RUN_META_REQUIRED_KEYS, metaFile, 'run-meta-required-key', report)) return;
  if (runStatusName(meta['status']) === undefined) {
    report('run-status', metaFile, `status ${JSON.stringify(meta['status'])} is not an integer code 1-5: the server's search fails`);
  }
  const integer = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value);
  if (!integer(meta['start_time'])) report('run-meta-type', metaFile, `start_time must be an integer, got ${JSON.stringify(meta['start_time'])}`);
  if (meta['end_time'] !== null && !integer(meta['end_time'])) {
    report('run-meta-type', metaFile, `end_time must be an integer or null, got ${JSON.stringify(meta['end_time'])}`);
  }
  for (const key of ['user_id', 'artifact_uri', 'lifecycle_stage']) {
    if (typeof meta[key] !== 'string') report('run-meta-type', metaFile, `'${key}' must be a string, got ${JSON.stringify(meta[key])}`);
  }
  for (const key of ['run_id', 'run_uuid']) {
    if (meta[key] !== runId) report('run-id-mismatch', metaFile, `${key} ${JSON.stringify(meta[key])} differs from the folder name '${runId}'`);
  }
  const recordedExperiment = typeof meta['experiment_id'] === 'number' ? String(meta['experiment_id']) : meta['experiment_id'];
  if (recordedExperiment !== experimentId) {
    report('run-experiment-mismatch', metaFile, `experiment_id ${JSON.stringify(meta['experiment_id'])} is not the parent folder '${experimentId}': the server skips the run`);
  }
  await checkKeyFiles(join(folder, MLRUNS.paramsFolder), 'param', report);
  await checkKeyFiles(join(folder, MLRUNS.tagsFolder), 'tag', report);
  for (const [, file] of await checkKeyFiles(join(folder, MLRUNS.metricsFolder), 'metric', report)) await checkMetricFile(file, report);
}

async function readMeta(folder: string, what: 'experiment' | 'run', report: Report): Promise<MetaYaml | undefined> {
  try {
    const meta = await readMetaYaml(folder);
    if (meta === undefined) report(`${what}-meta-missing`, folder, `no ${MLRUNS.metaFile}: the server skips this ${what}`);
    return meta;
  } catch (error) {
    report(`${what}-meta-unreadable`, join(folder, MLRUNS.metaFile), (error as Error).message);
    return undefined;
  }
}

function hasRequiredKeys(meta: MetaYaml, keys: readonly string[], file: string, rule: MlrunsRule, report: Report): boolean {
  const missing = keys.filter((key) => !(key in meta));
  for (const key of missing) report(rule, file, `required key '${key}' is missing: the server's search fails`);
  return missing.length === 0;
}

async function checkKeyFiles(folder: string, kind: EntityKind, report: Report): Promise<Map<string, string>> {
  const files = await listKeyFiles(folder);
  for (const [key, file] of files) {
    const problem = entityKeyProblem(kind, key);
    if (problem !== undefined) report('key-invalid', file, `${problem}: the server fails reading it`);
  }
  return files;
}

async function checkMetricFile(file: string, report: Report): Promise<void> {
  const text = await readFile(file, 'utf8');
  if (text === '') {
    report('metric-file-empty', file, "an empty metric file makes the server's search fail");
    return;
  }
  const lines = text.split(/(?<=\n)/);
  lines.forEach((line, index) => {
    const point = parseMetricLine(line);
    if (typeof point === 'string') report('metric-line-malformed', file, `line ${index + 1} ${point}: the server's search fails`);
  });
  if (!text.endsWith('\n')) report('metric-line-unterminated', file, 'the last line has no newline: the next value appended would join it');
}
