import type { MlrunsExperimentInfo } from './experiment-meta.js';
import type { MlrunsMetricPoint } from './metric-line.js';
import type { MlrunsRunInfo } from './run-meta.js';

/** An experiment read from a store: its `meta.yaml` and its tags. */
export interface MlrunsExperimentRecord extends MlrunsExperimentInfo {
  /** The experiment's tags (`<id>/tags/<key>`). */
  tags: Record<string, string>;
}

/** A run read from a store. */
export interface MlrunsRunRecord {
  /** Its `meta.yaml`. */
  info: MlrunsRunInfo;
  /** Params by key. */
  params: Record<string, string>;
  /** Tags by key (`mlflow.runName`, `mlflow.parentRunId`, ...). */
  tags: Record<string, string>;
  /** Every metric's full history, by key, in the order the points were written. */
  metrics: Record<string, MlrunsMetricPoint[]>;
}

/** A folder the MLflow server would skip without an error, and why. */
export interface MlrunsSkippedEntry {
  /** The folder's path. */
  path: string;
  /** Why it is skipped. */
  reason: string;
}

/** What a store holds, as the MLflow server would list it. */
export interface MlrunsStoreContents {
  /** Absolute path of the store. */
  root: string;
  /** Active experiments, sorted by id. */
  experiments: MlrunsExperimentRecord[];
  /** Their runs (active and deleted ones; see `info.lifecycleStage`), sorted by experiment id then start time. */
  runs: MlrunsRunRecord[];
  /** Folders the server would skip silently (no `meta.yaml`, or a folder name that differs from the recorded id). */
  skipped: MlrunsSkippedEntry[];
}
