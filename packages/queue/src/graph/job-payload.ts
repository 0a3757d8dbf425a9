import type { ResolvedTrial, TrialContext } from '@kdlab/runner';
import type { JobKind } from './job-graph.js';
import type { PluginReferences } from './plugin-references.js';

/** The version of {@link JobPayload}: a worker refuses jobs of another version, naming both. */
export const JOB_PAYLOAD_FORMAT = 1;

/** Where a sweep's runs go and hang, as every job of it carries. */
export interface SweepAddress {
  /** The sweep's id (tag `kdlab.sweep_id`). */
  sweepId: string;
  /** This enqueueing of it (tag `kdlab.invocation`): a job id starts with it. */
  invocation: string;
  /** The MLflow experiment. */
  experimentName: string;
  /** The tracking URI every run goes to, without credentials (each worker has its own, in its environment). */
  trackingUri?: string;
  /** The sweep's parent run. */
  parentRunId: string;
}

/**
 * What a job carries: the resolved experiment of its trial (never a file for a worker to execute),
 * where its runs go, and the plugins it needs. JSON.
 */
export interface JobPayload {
  /** {@link JOB_PAYLOAD_FORMAT}. */
  format: number;
  /** The sweep. */
  sweep: SweepAddress;
  /** The job's id within the sweep (a {@link JobNode} id). */
  node: string;
  /** What it runs. */
  kind: JobKind;
  /** The trial it runs, resolved (absent for `finish`). */
  trial?: ResolvedTrial;
  /** Where the trial's runs hang (absent for `finish`). */
  context?: TrialContext;
  /** The plugins the trial needs (absent for `finish`). */
  plugins?: PluginReferences;
}

/** The outcome of a job as the sweep records it (the first recorded outcome of a job stands). */
export interface JobOutcome {
  /** Whether it succeeded. */
  ok: boolean;
  /** Why it failed, or was not run. */
  message?: string;
  /** For a trial: its distilled run. */
  runId?: string;
  /** For a trial: its distilled test accuracy. */
  accuracy?: number;
  /** Seconds it took (the phase's wall time on its worker). */
  seconds?: number;
  /** When its phase started and ended on its worker (ms since the epoch): with the job's enqueue time, the queue's overhead. */
  startedAt?: number;
  /** See {@link JobOutcome.startedAt}. */
  endedAt?: number;
  /** The worker that ran it (its id: `host:pid:start`). */
  worker?: string;
}

/** The BullMQ job id of a sweep's job: the invocation, then the node id (no `:`, which BullMQ reserves). */
export function jobIdOf(invocation: string, node: string): string {
  return `${invocation}.${node}`;
}
