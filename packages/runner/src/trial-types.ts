import type { ResolvedExperiment, SweepTrial } from '@kdlab/core';
import type { RoleResult } from './run-reporter.js';

/** A trial of a sweep, validated. */
export interface ResolvedTrial {
  /** The trial as expanded. */
  trial: SweepTrial;
  /** Its validated experiment. */
  experiment: ResolvedExperiment;
}

/** Where a trial's runs hang in MLflow, and what they carry. */
export interface TrialContext {
  /** The id shared by one invocation's runs. */
  invocation: string;
  /** The parent run (a sweep's), for `mlflow.parentRunId`. */
  parentRunId?: string;
  /** Tags every run of the trial carries (sweep id, trial key). */
  tags?: Record<string, string>;
  /** Params every run of the trial carries (`sweep.<path>`). */
  params?: Record<string, string>;
}

/** The outcome of one trial: its runs (a teacher or baseline may be shared with other trials). */
export interface ExperimentResult {
  /** The id shared by this invocation's runs (tag `kdlab.invocation`). */
  invocation: string;
  /** The MLflow experiment name. */
  experimentName: string;
  /** The teacher's run, or the ensemble's (its test metrics, computed from the members). */
  teacher: RoleResult;
  /** The members' runs, for an ensemble. */
  members?: RoleResult[];
  /** The baseline student's run, when `baseline` is on. */
  baseline?: RoleResult;
  /** The distilled student's run. */
  distilled: RoleResult;
}

/**
 * Which phase of a trial a task runs: its teacher(s), its baseline, its baseline started while its
 * teacher still trains in another worker (`baseline-alongside-teacher`: it trains at once and waits
 * for the teacher, through the disk cache, only for its agreement metric), or (with both cached) the
 * whole trial.
 */
export type TrialPhase = 'teacher' | 'baseline' | 'baseline-alongside-teacher' | 'trial';
