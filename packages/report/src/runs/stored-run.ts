/** One stored value of a metric. */
export interface StoredMetricPoint {
  /** The value. */
  value: number;
  /** The step (the epoch for per-epoch metrics). */
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** MLflow's statuses of a run. */
export type StoredRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** A finished or unfinished run as a report reads it, whichever store it came from. */
export interface StoredRun {
  /** The run's id. */
  runId: string;
  /** Its display name (`mlflow.runName`). */
  runName: string;
  /** MLflow's status. */
  status: StoredRunStatus;
  /** Start time in ms since the epoch (0 when unknown). */
  startTime: number;
  /** Params by key (the flattened experiment, `seed`, `sweep.<path>`, ...). */
  params: Readonly<Record<string, string>>;
  /** Tags by key (`kdlab.role`, `kdlab.invocation`, `mlflow.parentRunId`, ...). */
  tags: Readonly<Record<string, string>>;
  /**
   * Metric histories by key. Keys the source was asked for in full (see `historyKeys`) hold every
   * point; others may hold only the latest point, as an MLflow server's run listing gives them.
   */
  metrics: Readonly<Record<string, readonly StoredMetricPoint[]>>;
}

/** The runs of one experiment. */
export interface ExperimentRuns {
  /** The experiment's id. */
  experimentId: string;
  /** The experiment's name. */
  experimentName: string;
  /** Where the runs were read from (`./mlruns`, `http://host:5000`). */
  source: string;
  /** Its active runs, any status. */
  runs: StoredRun[];
  /**
   * Runs of other experiments that its runs point to by id (a teacher trained and cached by another
   * study, through `kdlab.teacher_run_id`): reference rows only, never counted as this experiment's.
   */
  linkedRuns?: StoredRun[];
}
