import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { TOKENS } from '@kdlab/core';
import { parseBackendRequest } from '@kdlab/core';
import { isTensorFlowStartupChatter, quietTensorFlow, tensorflowLogWanted } from '@kdlab/core';
import { selectBackend, type BackendInfo } from '@kdlab/core';
import { TrainingAbortedError } from '@kdlab/core';
import { describeTrial } from '@kdlab/core';
import { summarizeDistillation } from '@kdlab/runner';
import { formatSummaryTable } from '@kdlab/runner';
import { CheckpointStore } from '@kdlab/runner';
import { DistillationRunner } from '@kdlab/runner';
import { InProcessExecutor } from '@kdlab/runner';
import { runExperiment } from '@kdlab/runner';
import { runSweep, type SweepResult, type TrialExecutor } from '@kdlab/runner';
import { TrainedModelCache } from '@kdlab/runner';
import { WorkerPoolExecutor } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { standardRunTags } from '@kdlab/tracking';
import type { Tracker } from '@kdlab/core';
import { endRunsLeftByGoneProcesses, storeLocationOf } from '../end-gone-runs-notes.js';
import { CliFailure } from '../cli-failure.js';
import { EXIT, exitCodeForSignal } from '../exit-codes.js';
import { prepareExperiment, type PreparedExperiment } from '../prepare-experiment.js';
import { TerminalReporter } from '../terminal-reporter.js';
import type { WorkerSpec } from './worker-action.js';

/** Options of `kdlab run`, as commander parses them. */
export interface RunCommandOptions {
  set: string[];
  seed?: string;
  backend?: string;
  trackingUri?: string;
  plugin: string[];
  jobs?: string;
  cacheDir?: string;
  cache: boolean;
  resume: boolean;
  threads?: string;
  /** `--no-save-models` makes it false: no `model/` artifact per run. */
  saveModels?: boolean;
  /** `--checkpoint-dir`. */
  checkpointDir?: string;
  /** `--no-checkpoints` makes it false. */
  checkpoints?: boolean;
  /** `--keep-checkpoints`. */
  keepCheckpoints?: boolean;
  /** `--check`: validate the experiment and check its plan, list the trials, and stop before any run. */
  check?: boolean;
  /** `--queue`: enqueue the trials on this Redis queue for `kdlab worker`s instead of training here. */
  queue?: string;
  /** `--queue-name`. */
  queueName?: string;
  /** `--detach`: with `--queue`, enqueue and exit. */
  detach?: boolean;
}

export { CliFailure } from '../cli-failure.js';

function parsePositive(value: string, option: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${option}: expected a positive integer, got "${value}".`);
  return number;
}

function parseJobs(value: string | undefined): number {
  return value === undefined ? availableParallelism() : parsePositive(value, '--jobs');
}

function printSweep(prepared: PreparedExperiment, result: SweepResult, interrupted: number): number {
  const out = process.stdout;
  out.write(`\nsweep ${result.sweepRunId}: ${prepared.trials.length} trials\n`);
  for (const outcome of result.outcomes) {
    const label = describeTrial(outcome.trial);
    if (outcome.skippedFor) out.write(`  ${label}: finished earlier (run ${outcome.skippedFor})\n`);
    else if (outcome.error) out.write(`  ${label}: FAILED: ${outcome.error.message}\n`);
    else if (outcome.result) {
      const r = outcome.result;
      const baseline = r.baseline ? `  baseline ${r.baseline.training.testLast.accuracy.toFixed(4)}` : '';
      out.write(`  ${label}: distilled ${r.distilled.training.testLast.accuracy.toFixed(4)}${baseline}  teacher ${r.teacher.training.testLast.accuracy.toFixed(4)}\n`);
    }
  }
  out.write(`statistics over seeds: kdlab compare ${JSON.stringify(prepared.name)}\n`);
  if (result.outcomes.some((o) => o.error?.name === 'TrainingAbortedError')) return interrupted;
  return result.outcomes.some((o) => o.error) ? EXIT.runFailed : EXIT.ok;
}

/**
 * Runs `kdlab run`: validates everything first, the whole plan included (exit 2, no run created), ends KILLED the runs that a process which is
 * gone left RUNNING in the store, then trains (exit 1 when a run fails, 130 after SIGINT and 143 after
 * SIGTERM, the runs in progress ended KILLED). Loaded on demand, so that other commands start without
 * TensorFlow.js.
 */
export async function runAction(file: string, options: RunCommandOptions): Promise<number> {
  const err = process.stderr;
  // Before any TensorFlow C library loads, here or in a worker (which inherits the environment).
  quietTensorFlow();
  // 1. Everything that can be wrong with the input is checked before anything trains.
  let prepared: PreparedExperiment;
  let tracker: Tracker;
  let jobs: number;
  let backendRequest;
  try {
    // The whole plan (data files, models, taps, losses, stages) too, before any run exists.
    prepared = await prepareExperiment({ file, set: options.set, plugins: options.plugin, checkPlan: true, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    const trials = `${prepared.trials.length} trial${prepared.trials.length === 1 ? '' : 's'}`;
    err.write(`plan checked: ${trials} (data, models, taps, losses, stages) in ${(prepared.planCheckSeconds ?? 0).toFixed(1)} s\n`);
    backendRequest = parseBackendRequest(options.backend ?? process.env['KDLAB_BACKEND'], options.backend ? '--backend' : 'KDLAB_BACKEND');
    jobs = parseJobs(options.jobs);
    tracker = createTracker(options.trackingUri ?? process.env['MLFLOW_TRACKING_URI']);
    prepared.container.bind(TOKENS.Tracker).toConstantValue(tracker);
  } catch (error) {
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  if (options.check) {
    for (const { trial } of prepared.trials) err.write(`  trial ${trial.index + 1}: ${describeTrial(trial)}\n`);
    err.write(`--check: nothing trained, nothing written.\n`);
    return EXIT.ok;
  }
  for (const line of await endRunsLeftByGoneProcesses(storeLocationOf(tracker))) err.write(`kdlab run: ${line}\n`);
  const queueUrl = options.queue ?? process.env['KDLAB_QUEUE'];
  if (queueUrl !== undefined && queueUrl !== '') {
    const { queueRunAction } = await import('./queue-run-action.js');
    try {
      const trackingUri = options.trackingUri ?? process.env['MLFLOW_TRACKING_URI'];
      return await queueRunAction(prepared, tracker, { queue: queueUrl, resume: options.resume, ...(options.queueName !== undefined ? { queueName: options.queueName } : {}), ...(options.detach ? { detach: true } : {}), ...(trackingUri !== undefined ? { trackingUri } : {}) });
    } finally {
      await tracker.close();
    }
  }
  if (options.detach) throw new CliFailure('--detach needs --queue (a sweep run here cannot outlive this process).', EXIT.invalidInput);

  const cacheDir = options.cache ? resolve(options.cacheDir ?? process.env['KDLAB_CACHE_DIR'] ?? '.kdlab/cache') : undefined;
  const checkpointDir = options.checkpoints === false ? undefined : resolve(options.checkpointDir ?? process.env['KDLAB_CHECKPOINT_DIR'] ?? '.kdlab/checkpoints');
  // A sweep with --jobs > 1 trains in worker processes only: the workers load the backend (this
  // process never loads TensorFlow), and their start-up reply says which, or why they could not.
  const workers = prepared.isSweep && jobs > 1 && prepared.trials.length > 1 ? Math.min(jobs, prepared.trials.length) : 1;
  // The data the plan check loaded serve the trainings in this process; worker processes load their own.
  const loadedData = workers === 1 ? prepared.planData : undefined;
  delete prepared.planData;
  let backend: BackendInfo;
  let pool: WorkerPoolExecutor | undefined;
  try {
    const skipped: string[] = [];
    // Parallel workers share the cores: a native backend in each gets its share of threads.
    const threads = options.threads !== undefined ? parsePositive(options.threads, '--threads') : workers > 1 ? Math.max(1, Math.floor(availableParallelism() / workers)) : undefined;
    if (threads !== undefined) process.env['KDLAB_THREADS'] = String(threads);
    if (workers > 1) {
      const spec: WorkerSpec = {
        file,
        set: options.set,
        plugins: options.plugin,
        backend: backendRequest,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...((options.trackingUri ?? process.env['MLFLOW_TRACKING_URI']) ? { trackingUri: options.trackingUri ?? process.env['MLFLOW_TRACKING_URI'] } : {}),
        ...(cacheDir ? { cacheDir } : {}),
        ...(options.saveModels === false ? { saveModels: false } : {}),
        ...(checkpointDir ? { checkpointDir } : {}),
        ...(options.keepCheckpoints ? { keepCheckpoints: true } : {}),
        ...(options.resume === false ? { resume: false } : {}),
      };
      const entry = process.argv[1]!;
      pool = new WorkerPoolExecutor(
        {
          command: process.execPath,
          args: [...process.execArgv, entry, '_worker'],
          env: { KDLAB_WORKER: JSON.stringify(spec) },
          ...(tensorflowLogWanted() ? {} : { dropStderrLine: isTensorFlowStartupChatter }),
        },
        jobs,
        cacheDir !== undefined,
      );
      const loaded = await pool.start(workers);
      backend = { ...loaded, description: `${loaded.description}, in ${workers} worker processes` };
    } else {
      backend = await selectBackend(
        backendRequest,
        (name, reason) => skipped.push(/Cannot find (package|module)/.test(reason) ? `${name}: not installed` : `${name}: ${reason.split('\n')[0]}`),
        threads !== undefined ? { threads } : {},
      );
    }
    if (skipped.length > 0) err.write(`backends skipped: ${skipped.join('; ')}\n`);
  } catch (error) {
    await pool?.close();
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  err.write(
    `backend: ${backend.description}   tracking: ${tracker.description} (experiment "${prepared.name}")` +
      (prepared.isSweep ? `   ${prepared.trials.length} trials, ${Math.min(jobs, prepared.trials.length)} at a time` : '') +
      '\n',
  );

  // SIGINT (Ctrl-C) and SIGTERM (timeout, schedulers) stop the runs in progress at their next step, ended
  // KILLED; workers are told too (Ctrl-C reaches them through the terminal, SIGTERM only through us).
  const abort = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' = 'SIGINT';
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (abort.signal.aborted) process.exit(exitCodeForSignal(stoppedBy));
    stoppedBy = signal;
    const what = signal === 'SIGINT' ? 'Interrupted' : 'Terminated (SIGTERM)';
    err.write(`\n${what}: stopping after the current step and marking the runs in progress KILLED (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once).\n`);
    abort.abort();
    pool?.signalWorkers(signal);
  };
  const onSigint = (): void => onSignal('SIGINT');
  const onSigterm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const reporter = new TerminalReporter();
  const baseTags = standardRunTags({ cwd: process.cwd(), entryPoint: prepared.path });
  const runnerOptions = {
    registries: prepared.registries,
    tracker: prepared.container.get(TOKENS.Tracker),
    backend,
    baseTags,
    reporter,
    signal: abort.signal,
    ...(cacheDir ? { cache: new TrainedModelCache(cacheDir) } : {}),
    ...(options.saveModels === false ? { saveModels: false } : {}),
    ...(checkpointDir ? { checkpoints: new CheckpointStore(checkpointDir) } : {}),
    ...(options.keepCheckpoints ? { keepCheckpoints: true } : {}),
    ...(options.resume === false ? { resume: false } : {}),
    ...(loadedData ? { loadedData } : {}),
  };
  try {
    if (!prepared.isSweep) {
      const result = await runExperiment({ ...runnerOptions, experiment: prepared.trials[0]!.experiment });
      process.stdout.write(`\n${formatSummaryTable(summarizeDistillation(result))}\n`);
      process.stdout.write(`runs: ${tracker.description}, experiment "${prepared.name}", invocation ${result.invocation}\n`);
      if (!/^https?:/.test(tracker.description)) process.stdout.write(`look at them with: mlflow ui --backend-store-uri ${tracker.description}\n`);
      return EXIT.ok;
    }
    const executor: TrialExecutor = pool ?? new InProcessExecutor(new DistillationRunner(runnerOptions), abort.signal);
    const result = await runSweep({
      experimentName: prepared.name,
      definition: prepared.definition,
      trials: prepared.trials,
      tracker,
      executor,
      baseTags,
      reporter,
      resume: options.resume,
    });
    return printSweep(prepared, result, exitCodeForSignal(stoppedBy));
  } catch (error) {
    reporter.close();
    if (error instanceof TrainingAbortedError || (error as Error).name === 'TrainingAbortedError') {
      err.write(`${stoppedBy === 'SIGINT' ? 'Interrupted' : 'Terminated'}: the runs in progress were marked KILLED.\n`);
      return exitCodeForSignal(stoppedBy);
    }
    err.write(`kdlab run: a run failed: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.runFailed;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await tracker.close();
  }
}

