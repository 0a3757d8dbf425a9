import type { Tracker } from '@kdlab/core';
import type { ExperimentResult } from '@kdlab/runner';
import type { JobPayload } from '../graph/job-payload.js';
import type { PluginReferences } from '../graph/plugin-references.js';

/** A job that runs a phase: its trial and context are present. */
export type PhaseJobPayload = JobPayload & Required<Pick<JobPayload, 'trial' | 'context' | 'plugins'>>;

/**
 * What a queue worker runs jobs with, on its machine: the CLI gives it a pool of trial processes
 * (the same ones `kdlab run --jobs` uses) and its trackers.
 */
export interface JobRunner {
  /** The plugins a job needs that this worker did not load, one message each (`loss "my-loss"`). */
  missingPlugins(references: PluginReferences): string[];
  /**
   * Runs one phase of a trial (`teacher`, `baseline` or `trial`), its runs logged to the job's
   * tracking URI; for `trial`, answers the trial's result.
   * @throws the phase's error (`TrainingAbortedError` when the worker was interrupted).
   */
  runPhase(payload: PhaseJobPayload): Promise<ExperimentResult | undefined>;
  /** The tracker of a tracking URI, for the worker's own bookkeeping (ending runs, finding finished trials). */
  tracker(trackingUri: string | undefined): Tracker;
}
