import type { LifecycleStage, ViewType } from './experiment.js';
import type { Metric, MetricInput } from './metric.js';

/** A run's state. An unknown status string is silently ignored by `runs/update`, so only these are sent. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The statuses MLflow knows, in its own order. */
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A run's metadata. */
export interface RunInfo {
  /** Run id (32 hex characters on MLflow's stores). */
  readonly runId: string;
  /** Id of the experiment it belongs to. */
  readonly experimentId: string;
  /** Display name, when set. */
  readonly runName: string | undefined;
  /** The user who created it, when recorded. */
  readonly userId: string | undefined;
  /** Current status. */
  readonly status: RunStatus;
  /** Start time in ms since the epoch, when recorded. */
  readonly startTime: number | undefined;
  /** End time in ms since the epoch; `undefined` while running. */
  readonly endTime: number | undefined;
  /** Root of its artifacts, e.g. `mlflow-artifacts:/2/<run id>/artifacts`. */
  readonly artifactUri: string;
  /** `active` or `deleted`. */
  readonly lifecycleStage: LifecycleStage;
}

/** What was logged in a run. */
export interface RunData {
  /** The latest value of each metric (one entry per key). */
  readonly metrics: readonly Metric[];
  /** Params by key (always strings). */
  readonly params: Readonly<Record<string, string>>;
  /** Tags by key, `mlflow.*` system tags included. */
  readonly tags: Readonly<Record<string, string>>;
}

/** A run: its metadata and what was logged. */
export interface Run {
  /** Metadata. */
  readonly info: RunInfo;
  /** Logged metrics (latest values), params and tags. */
  readonly data: RunData;
}

/** A param value; numbers and booleans are sent as their string form (MLflow stores a JSON number as ""). */
export type ParamValue = string | number | boolean;

/** What `runs/create` takes. */
export interface CreateRunInput {
  /** The experiment to create the run in. */
  readonly experimentId: string;
  /** Display name (sets the `mlflow.runName` tag on the server). */
  readonly runName?: string;
  /** Start time in ms since the epoch; default now (MLflow would store 0 without it). */
  readonly startTime?: number;
  /** Creating user; default the client's `userId` (the `mlflow.user` tag does not set it). */
  readonly userId?: string;
  /** Tags to set at creation. Must not contain an `mlflow.runName` different from `runName`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Makes this a nested run: adds the `mlflow.parentRunId` tag. */
  readonly parentRunId?: string;
}

/** What `runs/update` takes. */
export interface UpdateRunInput {
  /** The run to update. */
  readonly runId: string;
  /** New status. */
  readonly status?: RunStatus;
  /** End time in ms; default now when `status` is FINISHED, FAILED or KILLED. */
  readonly endTime?: number;
  /** New display name. */
  readonly runName?: string;
}

/** What `runs/search` takes. */
export interface SearchRunsInput {
  /** Experiments to search (at least one). */
  readonly experimentIds: readonly string[];
  /** Filter, e.g. ``metrics.`test/accuracy` > 0.8 and params.temperature = '4'``. */
  readonly filter?: string;
  /** Ordering, e.g. ``['metrics.`test/accuracy` DESC']``; runs without the metric come last. */
  readonly orderBy?: readonly string[];
  /** Page size (1..50000). */
  readonly maxResults?: number;
  /** Token of the page to read, from a previous page's `nextPageToken`. */
  readonly pageToken?: string;
  /** Which runs to see; the server's default is `ACTIVE_ONLY`. */
  readonly runViewType?: ViewType;
}

/** One page of runs. */
export interface RunsPage {
  /** The runs on this page (empty when none matched). */
  readonly runs: readonly Run[];
  /** Token of the next page, `undefined` on the last page. */
  readonly nextPageToken: string | undefined;
}

/** What `runs/log-batch` takes; any part may be omitted. Calls over MLflow's limits are split. */
export interface LogBatchInput {
  /** Metric values. Exact repeats (same key, value, step, timestamp) are sent once. */
  readonly metrics?: readonly MetricInput[];
  /** Params; values over 6000 characters are kept whole as an artifact (see the README). */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Tags; values over 5000 characters are refused (MLflow would truncate them). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of `runs.getMetricHistory`. */
export interface MetricHistoryOptions {
  /** `max_results` sent with every page (1..25000); default 25000, as MLflow's Python client sends. */
  readonly pageSize?: number;
}
