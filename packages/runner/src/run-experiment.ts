import { randomUUID } from 'node:crypto';
import type { ResolvedExperiment } from '@kdlab/core';
import { DistillationRunner, type RunnerOptions } from './distillation-runner.js';
import type { ExperimentResult } from './trial-types.js';

/** Everything {@link runExperiment} needs: the runner's options and the experiment. */
export interface RunExperimentOptions extends RunnerOptions {
  /** The validated experiment. */
  experiment: ResolvedExperiment;
}

/** A new invocation id: 32 hex characters, shared by the runs of one `kdlab run`. */
export function newInvocationId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * Runs a distillation experiment end to end: trains the teacher (or each member of an ensemble) on
 * hard labels, unless the disk cache has it; then the baseline student (the same student, the same
 * initial weights, batch order and total epochs, hard labels only, nothing from the teacher); then the
 * distilled student through its stages with the frozen teacher. Each training is an MLflow run with
 * the flattened config as params, per-epoch metrics, and the config and model as artifacts; an
 * ensemble also gets a run with its test metrics. The runs share the tag `kdlab.invocation`.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentResult> {
  const runner = new DistillationRunner(options);
  try {
    return await runner.runTrial(options.experiment, { invocation: newInvocationId() });
  } finally {
    runner.dispose();
    await options.tracker.flush();
  }
}

