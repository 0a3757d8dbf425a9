import type { SweepTrial } from '@kdlab/core';
import { describeTrial } from '@kdlab/core';
import type { RunHandle, RunStatus, Tracker } from '@kdlab/core';
import { configHash } from './config-hash.js';
import type { ExperimentResult, ResolvedTrial, TrialContext, TrialPhase } from './trial-types.js';
export type { ResolvedTrial } from './trial-types.js';
import { flattenParams } from './flatten-params.js';
import type { RunReporter } from './run-reporter.js';
import { newInvocationId } from './run-experiment.js';
import { teacherData } from './teacher-data.js';

/** A sweep as written in an experiment. */
export interface SweepDefinition {
  /** The grid: config path -> values. */
  sweep?: Record<string, unknown[]>;
  /** The student seeds. */
  seeds?: number[];
}



/** Runs the phases of trials: in this process, or in a pool of worker processes. */
export interface TrialExecutor {
  /** How many phases it runs at once. */
  readonly parallelism: number;
  /**
   * Whether a baseline may train while its teacher trains elsewhere (workers that share a disk
   * cache); phases are then overlapped when the teachers leave workers idle.
   */
  readonly baselinesAlongsideTeachers: boolean;
  /** Starts up to `count` workers ahead of their first task, so that their start-up overlaps other work. */
  warmUp?(count: number): void;
  /** Interrupts every running phase (as Ctrl-C does): used when a teacher fails where baselines wait for it. */
  interrupt?(): void;
  /** Runs one phase of one trial; for `trial`, returns the trial's result. */
  run(phase: TrialPhase, trial: ResolvedTrial, context: TrialContext): Promise<ExperimentResult | undefined>;
  /** Releases its resources (models, worker processes). */
  close(): Promise<void>;
}

/** Everything {@link runSweep} needs. */
export interface RunSweepOptions {
  /** The MLflow experiment name. */
  experimentName: string;
  /** The sweep as written (`sweep` grid and `seeds`), logged on the parent run. */
  definition: SweepDefinition;
  /** Every trial, validated. */
  trials: readonly ResolvedTrial[];
  /** Where runs are logged. */
  tracker: Tracker;
  /** Runs the trials' phases. */
  executor: TrialExecutor;
  /** Tags set on the parent run. */
  baseTags?: Record<string, string>;
  /** Receives notes. */
  reporter?: RunReporter;
  /** Skip trials whose distilled run already finished with the same config hash. Default true. */
  resume?: boolean;
}

/** What happened to one trial. */
export interface TrialOutcome {
  /** The trial. */
  trial: SweepTrial;
  /** Its result, when it ran now. */
  result?: ExperimentResult;
  /** The run id of an earlier finished distilled run, when it was skipped. */
  skippedFor?: string;
  /** Its error, when it failed. */
  error?: Error;
}

/** The outcome of a sweep. */
export interface SweepResult {
  /** The parent run. */
  sweepRunId: string;
  /** The sweep's id (tag `kdlab.sweep_id`). */
  sweepId: string;
  /** The invocation. */
  invocation: string;
  /** Every trial, in order. */
  outcomes: TrialOutcome[];
}

/** The params a trial's runs carry for the swept values: `sweep.<path>`, the text `--set` would take. */
export function sweepParams(trial: SweepTrial): Record<string, string> {
  return Object.fromEntries(Object.entries(trial.values).map(([path, value]) => [`sweep.${path}`, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/**
 * Runs a sweep under one parent MLflow run: every distinct teacher once (cached on disk), every
 * distinct baseline once (after its teacher, or alongside it on workers the teachers leave idle), and
 * each trial's distilled student as soon as its teacher and baseline are done, with as many phases at
 * once as the executor allows. Every child run carries the swept values as `sweep.<path>` params, the parent's id,
 * `kdlab.sweep_id` and its config hash; a trial whose distilled run already finished with the same
 * config hash is skipped. The parent run ends FINISHED when every trial succeeded, FAILED otherwise,
 * KILLED when interrupted.
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepResult> {
  const { tracker, trials, executor } = options;
  const invocation = newInvocationId();
  const sweepId = sweepIdentity(options.experimentName, options.definition, trials);
  let parent: RunHandle;
  try {
    parent = await startSweepRun(tracker, { experimentName: options.experimentName, definition: options.definition, trials, sweepId, invocation, ...(options.baseTags ? { baseTags: options.baseTags } : {}) });
  } catch (error) {
    await executor.close();
    await tracker.flush();
    throw error;
  }
  const outcomes: TrialOutcome[] = trials.map((t) => ({ trial: t.trial }));
  let status: RunStatus = 'FINISHED';
  try {
    const contextOf = (t: ResolvedTrial): TrialContext => trialContext({ invocation, parentRunId: parent.runId, sweepId }, t);

    // Trials that already finished (same config hash) are not run again.
    const pending: ResolvedTrial[] = [];
    const finishedRuns = options.resume === false ? [] : await finishedTrialRuns(tracker, options.experimentName, trials);
    for (const [i, t] of trials.entries()) {
      const finished = finishedRuns[i];
      if (finished) {
        outcomes[i]!.skippedFor = finished;
        options.reporter?.note(`trial ${t.trial.index} (${describeTrial(t.trial)}): already finished in run ${finished}, skipped`);
      } else pending.push(t);
    }

    // One task per distinct teacher and per distinct baseline; each trial's task starts once its
    // teacher's and baseline's have finished. The executor runs as many tasks at once as it has
    // workers, first come first served.
    const teacherKey = sweepTeacherKey;
    const baselineKey = sweepBaselineKey;
    const teacherTrials = distinctBy(pending, teacherKey);
    const baselineTrials = distinctBy(pending.filter((t) => t.experiment.baseline), baselineKey);
    executor.warmUp?.(pending.length);
    const teachers = new Map<string, Promise<unknown>>();
    for (const t of teacherTrials) teachers.set(teacherKey(t), executor.run('teacher', t, contextOf(t)));
    // With fewer teachers than workers, every teacher holds a worker before any baseline asks for one,
    // so baselines can train at once on the idle workers: each waits only for a teacher in training.
    const alongside = executor.baselinesAlongsideTeachers && teacherTrials.length < executor.parallelism;
    // A teacher whose worker died records no failure: interrupt the baselines waiting for it.
    if (alongside) for (const teacher of teachers.values()) teacher.catch(() => executor.interrupt?.());
    const baselines = new Map<string, Promise<unknown>>();
    for (const t of baselineTrials) {
      const teacher = teachers.get(teacherKey(t))!;
      baselines.set(baselineKey(t), alongside ? executor.run('baseline-alongside-teacher', t, contextOf(t)) : teacher.then(() => executor.run('baseline', t, contextOf(t))));
    }
    const trialTasks = pending.map(async (t) => {
      const outcome = outcomes[t.trial.index]!;
      try {
        await Promise.all([teachers.get(teacherKey(t)), t.experiment.baseline ? baselines.get(baselineKey(t)) : undefined]);
      } catch {
        return; // its teacher or baseline failed: that error ends the sweep
      }
      try {
        outcome.result = await executor.run('trial', t, contextOf(t));
      } catch (error) {
        outcome.error = error as Error;
        options.reporter?.note(`trial ${t.trial.index} (${describeTrial(t.trial)}) failed: ${(error as Error).message}`);
      }
    });
    const settled = await Promise.allSettled([...teachers.values(), ...baselines.values(), ...trialTasks]);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (outcomes.some((o) => o.error?.name === 'TrainingAbortedError')) status = 'KILLED';
    else if (outcomes.some((o) => o.error)) status = 'FAILED';
    return { sweepRunId: parent.runId, sweepId, invocation, outcomes };
  } catch (error) {
    status = (error as Error).name === 'TrainingAbortedError' ? 'KILLED' : 'FAILED';
    await parent.setTags({ 'kdlab.error': (error as Error).message.slice(0, 5000) }).catch(() => undefined);
    throw error;
  } finally {
    await parent.end(status);
    await executor.close();
    await tracker.flush();
  }
}

/** A sweep's id (tag `kdlab.sweep_id`): a hash of its name, its definition and every trial's configuration. */
export function sweepIdentity(experimentName: string, definition: SweepDefinition, trials: readonly ResolvedTrial[]): string {
  return configHash({ name: experimentName, definition, trials: trials.map((t) => configHash(t.experiment)) });
}

/** What {@link startSweepRun} needs. */
export interface SweepRunStart {
  /** The MLflow experiment name. */
  experimentName: string;
  /** The sweep as written. */
  definition: SweepDefinition;
  /** Every trial. */
  trials: readonly ResolvedTrial[];
  /** {@link sweepIdentity}. */
  sweepId: string;
  /** The invocation (tag `kdlab.invocation`). */
  invocation: string;
  /** Extra tags (the standard run tags). */
  baseTags?: Record<string, string>;
}

/**
 * Starts a sweep's parent run (`sweep`): tagged with the sweep id, the invocation and the number of
 * trials, its params the grid (`sweep.<path>`), the seeds and the first trial's settings (`base.*`).
 * A parent whose params cannot be logged is ended FAILED before the error is thrown on.
 */
export async function startSweepRun(tracker: Tracker, start: SweepRunStart): Promise<RunHandle> {
  const parent = await tracker.startRun({
    experimentName: start.experimentName,
    runName: 'sweep',
    tags: { ...start.baseTags, 'kdlab.role': 'sweep', 'kdlab.sweep_id': start.sweepId, 'kdlab.invocation': start.invocation, 'kdlab.trials': String(start.trials.length) },
  });
  try {
    await parent.logParams({
      ...Object.fromEntries(Object.entries(start.definition.sweep ?? {}).map(([path, values]) => [`sweep.${path}`, JSON.stringify(values)])),
      seeds: JSON.stringify(start.definition.seeds ?? [...new Set(start.trials.map((t) => t.trial.seed))]),
      ...flattenParams(start.trials[0]!.experiment, 'base'),
    });
  } catch (error) {
    await parent.setTags({ 'kdlab.error': (error as Error).message.slice(0, 5000) }).catch(() => undefined);
    await parent.end('FAILED').catch(() => undefined);
    throw error;
  }
  return parent;
}

/** Where a sweep's trial hangs: the parent run, the sweep id, the trial's key and index, and its swept values as params. */
export function trialContext(sweep: { invocation: string; parentRunId: string; sweepId: string }, t: ResolvedTrial, extraTags: Record<string, string> = {}): TrialContext {
  return {
    invocation: sweep.invocation,
    parentRunId: sweep.parentRunId,
    tags: { 'kdlab.sweep_id': sweep.sweepId, 'kdlab.trial_key': configHash(t.experiment), 'kdlab.trial': String(t.trial.index), ...extraTags },
    params: sweepParams(t.trial),
  };
}

/**
 * The key a sweep shares a teacher by: its teacher settings, the data it trains on and the seed (the
 * students' transfer set left out). Trials with the same key wait for one teacher training.
 */
export function sweepTeacherKey(t: ResolvedTrial): string {
  return configHash({ teacher: t.experiment.teacher, data: teacherData(t.experiment.data), seed: t.experiment.seed });
}

/** The key a sweep shares a baseline by: the student, its training, the data, the seeds and the stages' epochs. */
export function sweepBaselineKey(t: ResolvedTrial): string {
  return configHash({ student: t.experiment.student.model, train: t.experiment.train, data: t.experiment.data, seed: t.experiment.seed, studentSeed: t.experiment.studentSeed, stages: t.experiment.stages?.map((s) => s.epochs) });
}

/**
 * For each trial, the id of a FINISHED distilled run of the same configuration (config hash) in the
 * experiment, or undefined: such a trial is not run again. One look at the store for all of them.
 */
export async function finishedTrialRuns(tracker: Tracker, experimentName: string, trials: readonly ResolvedTrial[]): Promise<(string | undefined)[]> {
  const done = (await tracker.findRuns?.(experimentName, { 'kdlab.role': 'distilled' })) ?? [];
  const byHash = new Map<string, string>();
  for (const run of done) if (run.status === 'FINISHED' && run.tags['kdlab.config_hash'] !== undefined) byHash.set(run.tags['kdlab.config_hash'], run.runId);
  return trials.map((t) => byHash.get(configHash(t.experiment)));
}

/** The first trial of each distinct key, in order. */
function distinctBy(trials: readonly ResolvedTrial[], key: (t: ResolvedTrial) => string): ResolvedTrial[] {
  const seen = new Map<string, ResolvedTrial>();
  for (const t of trials) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()];
}
