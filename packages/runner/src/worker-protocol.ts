import type { BackendInfo } from '@kdlab/core';
import type { RoleResult } from './run-reporter.js';
import type { ExperimentResult, ResolvedTrial, TrialContext, TrialPhase } from './trial-types.js';

/** A task the parent sends a worker: one phase of one trial. One JSON line on the worker's stdin. */
export interface WorkerTask {
  /** The task's id, echoed in the reply. */
  id: number;
  /** The phase to run. */
  phase: TrialPhase;
  /** The trial's index in the sweep. */
  trial: number;
  /** Where its runs hang. */
  context: TrialContext;
  /**
   * A trial sent whole, for a worker that loaded no experiment file (a queue worker's trial process):
   * then `trial` is ignored, and the runs go to `trackingUri` (undefined: the worker's `./mlruns`).
   */
  inline?: InlineTrial;
}

/** A trial a task carries whole (see {@link WorkerTask.inline}). */
export interface InlineTrial {
  /** The trial, resolved. */
  trial: ResolvedTrial;
  /** Where its runs go (no credentials: the worker has its own in its environment). */
  trackingUri?: string;
}

/** A worker's reply: one JSON line on its stdout, prefixed by {@link WORKER_REPLY_PREFIX}. */
export interface WorkerReply {
  /** The task's id. */
  id: number;
  /** The trial's result (per-example arrays stripped), for a `trial` phase. */
  result?: ExperimentResult;
  /** The error message, when the phase failed. */
  error?: string;
  /** The error's name (`TrainingAbortedError` for an interrupted one). */
  errorName?: string;
  /** In the start-up reply ({@link WORKER_READY_ID}): the backend the worker loaded. */
  ready?: BackendInfo;
}

/**
 * The id of the reply a worker sends once it has loaded the experiment and its backend (with
 * `ready`), or failed to (with `error`, after which it exits with code 2).
 */
export const WORKER_READY_ID = -1;

/** Marks reply lines on a worker's stdout (anything else there is passed through). */
export const WORKER_REPLY_PREFIX = '\u0000kdlab-worker\u0000';

/** A RoleResult made JSON-safe: per-example prediction arrays are dropped. */
export function jsonSafeRole(result: RoleResult): RoleResult {
  const strip = (m: RoleResult['training']['testLast']) => ({ ...m, predictions: new Int32Array(0) });
  return { ...result, training: { ...result.training, testLast: strip(result.training.testLast), testBest: strip(result.training.testBest) } };
}

/** An ExperimentResult made JSON-safe. */
export function jsonSafeResult(result: ExperimentResult): ExperimentResult {
  return {
    ...result,
    teacher: jsonSafeRole(result.teacher),
    distilled: jsonSafeRole(result.distilled),
    ...(result.baseline ? { baseline: jsonSafeRole(result.baseline) } : {}),
    ...(result.members ? { members: result.members.map(jsonSafeRole) } : {}),
  };
}
