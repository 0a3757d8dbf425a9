import type { MetaYaml } from './meta-yaml.js';
import { RUN_STATUS_CODES, runStatusName, type MlflowRunStatusName } from './run-status-code.js';
import { MLRUNS } from './store-layout.js';

/** What a run's `meta.yaml` records. */
export interface MlrunsRunInfo {
  /** The run's id: 32 hex characters, also its folder name. */
  runId: string;
  /** The id of its experiment, also the parent folder's name. */
  experimentId: string;
  /** Display name (also the `mlflow.runName` tag). */
  runName: string;
  /** Who ran it. */
  userId: string;
  /** Current status. */
  status: MlflowRunStatusName;
  /** Start time in ms. */
  startTime: number;
  /** End time in ms; `null` while running. */
  endTime: number | null;
  /** URI of the run's artifacts folder (`file:///.../<run id>/artifacts` for a local store). */
  artifactUri: string;
  /** `active` or `deleted`. */
  lifecycleStage: string;
}

/** Keys a run's `meta.yaml` must hold (the house list in `shared/mlflow/API.md`, all written by MLflow 2.12). */
export const RUN_META_REQUIRED_KEYS: readonly string[] = [
  'artifact_uri',
  'end_time',
  'entry_point_name',
  'experiment_id',
  'lifecycle_stage',
  'run_id',
  'run_name',
  'run_uuid',
  'source_name',
  'source_type',
  'source_version',
  'start_time',
  'status',
  'tags',
  'user_id',
];

/**
 * The `meta.yaml` mapping of a run, with the keys MLflow 2.12's file store writes (the `source_*`
 * and `entry_point_name` fields are kept empty as MLflow does: the source lives in tags). Like
 * MLflow, the file written when the run is created also holds `deleted_time: null`, and later
 * rewrites (end, rename) leave it out.
 *
 * @param info - The run.
 * @param atCreation - Whether this is the run's first `meta.yaml`.
 */
export function runMetaEntries(info: MlrunsRunInfo, atCreation: boolean): MetaYaml {
  return {
    artifact_uri: info.artifactUri,
    ...(atCreation ? { deleted_time: null } : {}),
    end_time: info.endTime,
    entry_point_name: '',
    experiment_id: info.experimentId,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
    run_name: info.runName,
    run_uuid: info.runId,
    source_name: '',
    source_type: MLRUNS.localSourceType,
    source_version: '',
    start_time: info.startTime,
    status: RUN_STATUS_CODES[info.status],
    tags: [],
    user_id: info.userId,
  };
}

/**
 * Reads a run from its parsed `meta.yaml` as the MLflow server does: `run_id` falling back to
 * `run_uuid`, an integer experiment id read as a string, the status from its integer code.
 *
 * @param meta - The parsed file.
 * @param file - Its path, named in errors.
 * @throws Error naming the file and key for a missing required key, a wrong type or an unknown status code.
 */
export function runInfoFromMeta(meta: MetaYaml, file: string): MlrunsRunInfo {
  for (const key of RUN_META_REQUIRED_KEYS) {
    if (!(key in meta)) throw new Error(`${file}: required key '${key}' is missing.`);
  }
  const text = (key: string, value: unknown = meta[key]): string => {
    if (typeof value !== 'string') throw new Error(`${file}: '${key}' must be a string, got ${JSON.stringify(value)}.`);
    return value;
  };
  const integer = (key: string): number => {
    const value = meta[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`${file}: '${key}' must be an integer, got ${JSON.stringify(value)}.`);
    return value;
  };
  const status = runStatusName(meta['status']);
  if (status === undefined) {
    throw new Error(`${file}: 'status' must be an integer code 1-5 (RUNNING=1 ... KILLED=5), got ${JSON.stringify(meta['status'])}.`);
  }
  const experimentId = meta['experiment_id'];
  const runName = meta['run_name'];
  return {
    runId: text('run_id', meta['run_id'] || meta['run_uuid']),
    experimentId: text('experiment_id', typeof experimentId === 'number' ? String(experimentId) : experimentId),
    runName: runName === null ? '' : text('run_name'),
    userId: text('user_id'),
    status,
    startTime: integer('start_time'),
    endTime: meta['end_time'] === null ? null : integer('end_time'),
    artifactUri: text('artifact_uri'),
    lifecycleStage: text('lifecycle_stage'),
  };
}
