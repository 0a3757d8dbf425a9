import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { experimentInfoFromMeta } from './experiment-meta.js';
import { parseMetricLine, type MlrunsMetricPoint } from './metric-line.js';
import type { MlrunsExperimentRecord, MlrunsRunRecord, MlrunsSkippedEntry, MlrunsStoreContents } from './mlruns-records.js';
import { runInfoFromMeta } from './run-meta.js';
import { listExperimentFolders, listKeyFiles, listRunFolders, readMetaYaml } from './store-scan.js';
import { MLRUNS } from './store-layout.js';

/**
 * Reads a local MLflow store (`./mlruns`) as the MLflow 2.12 server reads it: active experiments
 * with their tags, and their runs with info, params, tags and every metric's full history.
 * Folders the server skips silently are skipped and listed in `skipped`; what makes the server
 * fail (a `meta.yaml` missing a required key, an unknown status, an empty metric file, a
 * malformed metric line) is an error here too.
 *
 * @param root - The store folder.
 * @throws Error naming the file and the problem.
 */
export async function readMlrunsStore(root: string): Promise<MlrunsStoreContents> {
  const experiments: MlrunsExperimentRecord[] = [];
  const runs: MlrunsRunRecord[] = [];
  const skipped: MlrunsSkippedEntry[] = [];
  for (const folderName of await listExperimentFolders(root)) {
    const folder = join(root, folderName);
    const meta = await readMetaYaml(folder);
    if (meta === undefined) {
      skipped.push({ path: folder, reason: `no ${MLRUNS.metaFile}` });
      continue;
    }
    const experiment = experimentInfoFromMeta(meta, join(folder, MLRUNS.metaFile));
    if (experiment.experimentId !== folderName) {
      skipped.push({ path: folder, reason: `records experiment id '${experiment.experimentId}', not the folder name` });
      continue;
    }
    if (experiment.lifecycleStage !== MLRUNS.activeStage) continue;
    experiments.push({ ...experiment, tags: await readTextFiles(join(folder, MLRUNS.tagsFolder)) });
    for (const runFolderName of await listRunFolders(folder)) {
      const run = await readRun(join(folder, runFolderName), folderName, runFolderName, skipped);
      if (run) runs.push(run);
    }
  }
  runs.sort((a, b) => compareText(a.info.experimentId, b.info.experimentId) || a.info.startTime - b.info.startTime);
  return { root, experiments, runs, skipped };
}

async function readRun(
  folder: string,
  experimentId: string,
  runId: string,
  skipped: MlrunsSkippedEntry[],
): Promise<MlrunsRunRecord | undefined> {
  const meta = await readMetaYaml(folder);
  if (meta === undefined) {
    skipped.push({ path: folder, reason: `no ${MLRUNS.metaFile}` });
    return undefined;
  }
  const info = runInfoFromMeta(meta, join(folder, MLRUNS.metaFile));
  if (info.experimentId !== experimentId) {
    skipped.push({ path: folder, reason: `records experiment id '${info.experimentId}', not its parent folder's name` });
    return undefined;
  }
  if (info.runId !== runId) {
    skipped.push({ path: folder, reason: `records run id '${info.runId}', not the folder name` });
    return undefined;
  }
  const metrics: Record<string, MlrunsMetricPoint[]> = {};
  for (const [key, file] of await listKeyFiles(join(folder, MLRUNS.metricsFolder))) metrics[key] = await readMetricFile(file);
  return {
    info,
    params: await readTextFiles(join(folder, MLRUNS.paramsFolder)),
    tags: await readTextFiles(join(folder, MLRUNS.tagsFolder)),
    metrics,
  };
}

/**
 * Reads a metric file's full history.
 *
 * @param file - The metric file.
 * @throws Error naming the file (and line) when it is empty or a line is malformed.
 */
export async function readMetricFile(file: string): Promise<MlrunsMetricPoint[]> {
  const lines = (await readFile(file, 'utf8')).split(/(?<=\n)/);
  if (lines.length === 0 || (lines.length === 1 && lines[0] === '')) throw new Error(`Metric file '${file}' is empty.`);
  return lines.map((line, index) => {
    const point = parseMetricLine(line);
    if (typeof point === 'string') throw new Error(`Metric file '${file}', line ${index + 1}: ${point}.`);
    return point;
  });
}

async function readTextFiles(folder: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [key, file] of await listKeyFiles(folder)) values[key] = await readFile(file, 'utf8');
  return values;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
