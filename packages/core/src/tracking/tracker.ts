/** Final state of a run, as MLflow names it. */
export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** One metric value at a step. */
export interface MetricPoint {
  /** Metric key, e.g. `val/accuracy`. */
  key: string;
  /** The value; non-finite values are allowed and stored as MLflow stores them. */
  value: number;
  /** Integer step (the epoch for per-epoch metrics). */
  step: number;
  /** Milliseconds since the epoch; set by the tracker when absent. */
  timestamp?: number;
}

/** What a run is started with. */
export interface StartRunOptions {
  /** MLflow experiment name; created when missing. */
  experimentName: string;
  /** The run's display name (`mlflow.runName`). */
  runName: string;
  /** Tags set at creation. */
  tags?: Record<string, string>;
  /** Parent run id for nested runs (sets `mlflow.parentRunId`). */
  parentRunId?: string;
  /** Start time in ms; defaults to now. */
  startTime?: number;
}

/** A live run: everything a trainer logs goes through it. */
export interface RunHandle {
  /** The run's id (32 hex characters). */
  readonly runId: string;
  /** The experiment's id. */
  readonly experimentId: string;
  /** Logs parameters; values are stringified. A param cannot change once logged. */
  logParams(params: Record<string, string | number | boolean>): Promise<void>;
  /** Logs metric values. */
  logMetrics(points: MetricPoint[]): Promise<void>;
  /** Sets tags. */
  setTags(tags: Record<string, string>): Promise<void>;
  /** Stores a file under the run's artifacts, at a relative path that must stay inside the run. */
  logArtifact(relativePath: string, contents: string | Uint8Array): Promise<void>;
  /** Ends the run with a final status. Idempotent: a second call does nothing. */
  end(status: RunStatus): Promise<void>;
  /**
   * Hands the run over to another process, which ends it (through {@link Tracker.resumeRun}): the run
   * stays RUNNING, this process stops owning it (it is not ended KILLED when this process exits), and
   * this handle refuses further calls. A sweep's parent run is handed over so, to the job queue's
   * `finish` job. Resolves with the run's id on the store once the store has it.
   */
  handOver?(): Promise<string>;
}

/** A run found by {@link Tracker.findRuns}. */
export interface FoundRun {
  /** The run's id. */
  runId: string;
  /** Its status (`RUNNING`, `FINISHED`, `FAILED`, `KILLED`). */
  status: string;
  /** Its tags. */
  tags: Record<string, string>;
}

/** Where runs go: `./mlruns`, an MLflow server, ... */
export interface Tracker {
  /** A human description of the destination, e.g. `./mlruns` or `http://host:5000`. */
  readonly description: string;
  /** Starts a run (creating its experiment when needed). */
  startRun(options: StartRunOptions): Promise<RunHandle>;
  /** Waits until everything logged so far is stored. */
  flush(): Promise<void>;
  /**
   * The runs of an experiment whose tags include all of `tags` (used to skip sweep trials that
   * already finished). Optional: a tracker without it makes every trial run.
   */
  findRuns?(experimentName: string, tags: Record<string, string>): Promise<FoundRun[]>;
  /**
   * Reopens a run of this store to continue it (a training resumed from its checkpoint after its
   * process died): its status RUNNING again and its end time cleared (where the store can: MLflow's
   * REST API cannot clear one, so a server's run keeps its old end time until it ends again), its
   * liveness kept as for a run it started. Answers, with the handle, the last step logged of each
   * metric, so that the resumed training logs nothing twice. Optional: without it, a training cannot
   * resume into its run.
   * A run ended KILLED or FAILED, or left RUNNING by a process that is gone, is reopened; a FINISHED
   * run is refused (it has nothing left to resume), and so is a run a live process still writes.
   * @throws Error naming the run when this store has no such run, or the run cannot be resumed.
   */
  resumeRun?(runId: string): Promise<ResumedRun>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}

/** A run reopened by {@link Tracker.resumeRun}. */
export interface ResumedRun {
  /** The run, RUNNING again: log to it as to a run just started. */
  handle: RunHandle;
  /** The last step logged of each metric key (keys never logged are absent). */
  lastSteps: Record<string, number>;
}
