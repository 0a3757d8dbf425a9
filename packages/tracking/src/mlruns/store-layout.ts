import { join } from 'node:path';

/** Names of the files and folders of an MLflow `./mlruns` store (MLflow 2.12's `FileStore`). */
export const MLRUNS = {
  /** Each experiment's and each run's metadata file. */
  metaFile: 'meta.yaml',
  /** Where deleted experiments go; not an experiment. */
  trashFolder: '.trash',
  /** The model registry's folder in the store root; not an experiment. */
  modelsFolder: 'models',
  /** Tags, both of an experiment (in its folder) and of a run. */
  tagsFolder: 'tags',
  /** An experiment's dataset records; not a run. */
  datasetsFolder: 'datasets',
  /** A run's metric histories. */
  metricsFolder: 'metrics',
  /** A run's params. */
  paramsFolder: 'params',
  /** A run's files. */
  artifactsFolder: 'artifacts',
  /** The id of the experiment every store starts with. */
  defaultExperimentId: '0',
  /** The name of that experiment. */
  defaultExperimentName: 'Default',
  /** `source_type` stored in a run's meta.yaml: LOCAL. */
  localSourceType: 4,
  /** `lifecycle_stage` of a live experiment or run. */
  activeStage: 'active',
} as const;

/** Folders in the store root that are not experiments. */
export const NON_EXPERIMENT_FOLDERS: readonly string[] = [MLRUNS.trashFolder, MLRUNS.modelsFolder];

/** Folders in an experiment's folder that are not runs. */
export const NON_RUN_FOLDERS: readonly string[] = [MLRUNS.tagsFolder, MLRUNS.datasetsFolder];

/** Experiment ids the MLflow server accepts: it fails a whole search on a folder that breaks this. */
export const EXPERIMENT_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,63}$/;

/** Run ids the MLflow server accepts. */
export const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/;

/**
 * The folder of one run, `<root>/<experimentId>/<runId>`.
 *
 * @param root - Absolute path of the store.
 * @param experimentId - The experiment's id.
 * @param runId - The run's id.
 */
export function runFolder(root: string, experimentId: string, runId: string): string {
  return join(root, experimentId, runId);
}

/**
 * The path of a key's file under a run folder's `metrics`, `params` or `tags`: a key with `/`
 * becomes sub-folders, as MLflow stores it.
 *
 * @param folder - The `metrics`, `params` or `tags` folder.
 * @param key - A validated key.
 */
export function keyFile(folder: string, key: string): string {
  return join(folder, ...key.split('/'));
}
