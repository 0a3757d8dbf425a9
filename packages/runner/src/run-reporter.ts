import type { TrainProgress, TrainResult } from '@kdlab/core';

/** The models of a distillation experiment: teacher(s), their ensemble, the baseline and the distilled student. */
export type Role = 'teacher' | 'ensemble' | 'baseline' | 'distilled';

/** What one role's run produced. */
export interface RoleResult {
  /** Which model this was. */
  role: Role;
  /** The run's name: the role, or `teacher-2` for an ensemble's second member. */
  name: string;
  /** Its MLflow run id. */
  runId: string;
  /** The model family. */
  kind: string;
  /** Trainable parameters of the model (a loss's own variables, e.g. a regressor, are not counted). */
  params: number;
  /** Size of the parameters in bytes (float32). */
  bytes: number;
  /** Median single-example inference latency in ms. */
  latencyMs: number;
  /** The training outcome. */
  training: TrainResult;
}

/** Receives what an experiment does, for a terminal, a log or a test. */
export interface RunReporter {
  /** A run's training is starting (`name` is the run's name: the role, or `teacher-2`). */
  roleStarted(name: string, detail: { runId: string; params: number; epochs: number }): void;
  /** Progress within a run's training. */
  progress(name: string, event: TrainProgress): void;
  /** A role finished. */
  roleFinished(result: RoleResult): void;
  /** A one-line note (which teacher signal is used, where runs go, ...). */
  note(message: string): void;
}

/** A reporter that reports nothing. */
export const silentReporter: RunReporter = {
  roleStarted: () => undefined,
  progress: () => undefined,
  roleFinished: () => undefined,
  note: () => undefined,
};
