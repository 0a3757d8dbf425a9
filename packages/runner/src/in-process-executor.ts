import { TrainingAbortedError } from '@kdlab/core';
import type { DistillationRunner } from './distillation-runner.js';
import type { ExperimentResult, TrialContext, TrialPhase } from './trial-types.js';
import type { ResolvedTrial, TrialExecutor } from './run-sweep.js';

/** Runs a sweep's phases one at a time in this process, sharing one {@link DistillationRunner}. */
export class InProcessExecutor implements TrialExecutor {
  readonly parallelism = 1;
  /** One phase at a time: a baseline never trains alongside its teacher. */
  readonly baselinesAlongsideTeachers = false;

  /**
   * @param runner - the runner whose teachers and baselines the trials share.
   * @param signal - once aborted, phases not yet started fail at once (no run is created for them).
   */
  constructor(
    private readonly runner: DistillationRunner,
    private readonly signal?: AbortSignal,
  ) {}

  /** Phases asked for while one runs wait their turn (one training at a time in this process). */
  #queue: Promise<unknown> = Promise.resolve();

  /** {@inheritDoc TrialExecutor.run} */
  run(phase: TrialPhase, trial: ResolvedTrial, context: TrialContext): Promise<ExperimentResult | undefined> {
    const result = this.#queue.then(() => {
      if (this.signal?.aborted) throw new TrainingAbortedError();
      return runPhase(this.runner, phase, trial, context);
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** {@inheritDoc TrialExecutor.close} */
  async close(): Promise<void> {
    this.runner.dispose();
  }
}

/** Runs one phase of a trial with a runner: the teacher(s), the baseline, or the whole trial. */
export async function runPhase(runner: DistillationRunner, phase: TrialPhase, trial: ResolvedTrial, context: TrialContext): Promise<ExperimentResult | undefined> {
  if (phase === 'trial') return runner.runTrial(trial.experiment, context);
  if (phase === 'baseline-alongside-teacher') {
    await runner.baseline(trial.experiment, context, () => runner.teacherTestPredictionsWhenTrained(trial.experiment, context));
    return undefined;
  }
  const teacher = await runner.teacher(trial.experiment, context);
  if (phase === 'baseline') await runner.baseline(trial.experiment, context, teacher.testPredictions);
  return undefined;
}
