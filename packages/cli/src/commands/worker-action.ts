import { parseBackendRequest } from '@kdlab/core';
import { selectBackend } from '@kdlab/core';
import { CheckpointStore } from '@kdlab/runner';
import { DistillationRunner } from '@kdlab/runner';
import { runPhase } from '@kdlab/runner';
import { TrainedModelCache } from '@kdlab/runner';
import { WORKER_READY_ID } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { standardRunTags } from '@kdlab/tracking';
import { prepareExperiment, type ExperimentRequest } from '../prepare-experiment.js';
import { TerminalReporter } from '../terminal-reporter.js';
import type { QueueTrialProcessSpec } from './queue-trial-process.js';
import { replyToParent, serveTrialTasks, stopOnParentSignals } from './trial-task-loop.js';

/** What a worker is started with (the `KDLAB_WORKER` environment variable, JSON). */
export interface WorkerSpec extends ExperimentRequest {
  /** The backend asked for (a name or `auto`; each worker loads it and reports what it loaded). */
  backend: string;
  /** The tracking URI (or undefined for ./mlruns). */
  trackingUri?: string;
  /** The trained-model cache folder, or undefined for none. */
  cacheDir?: string;
  /** False: no `model/` artifact per run (`--no-save-models`). */
  saveModels?: boolean;
  /** The checkpoint folder, or undefined for no checkpoints (`--no-checkpoints`). */
  checkpointDir?: string;
  /** Keep checkpoints after their runs finished (`--keep-checkpoints`). */
  keepCheckpoints?: boolean;
  /** False: trainings start afresh instead of from their checkpoints (`--no-resume`). */
  resume?: boolean;
}

/** Runs a worker: sweep phases read as JSON lines from stdin, replies on stdout. Loaded on demand. */
export async function runWorker(): Promise<void> {
  const spec = JSON.parse(process.env['KDLAB_WORKER'] ?? '{}') as WorkerSpec | QueueTrialProcessSpec;
  if ('queue' in spec && spec.queue) {
    const { runQueueTrialProcess } = await import('./queue-trial-process.js');
    return runQueueTrialProcess(spec);
  }
  await runFileWorker(spec as WorkerSpec);
}

/** A `kdlab run --jobs` worker: loads the experiment file the parent loaded, then runs the phases it sends by trial index. */
async function runFileWorker(spec: WorkerSpec): Promise<void> {
  const reply = replyToParent;
  let prepared: Awaited<ReturnType<typeof prepareExperiment>>;
  let backend: Awaited<ReturnType<typeof selectBackend>>;
  try {
    prepared = await prepareExperiment(spec);
    backend = await selectBackend(parseBackendRequest(spec.backend, 'worker'));
  } catch (error) {
    reply({ id: WORKER_READY_ID, error: (error as Error).message, errorName: (error as Error).name });
    process.exitCode = 2;
    return;
  }
  const tracker = createTracker(spec.trackingUri);
  const abort = stopOnParentSignals();
  const runner = new DistillationRunner({
    registries: prepared.registries,
    tracker,
    backend,
    baseTags: standardRunTags({ cwd: process.cwd(), entryPoint: prepared.path }),
    reporter: new TerminalReporter(process.stderr, `[worker ${process.pid}] `),
    signal: abort.signal,
    ...(spec.cacheDir ? { cache: new TrainedModelCache(spec.cacheDir) } : {}),
    ...(spec.saveModels === false ? { saveModels: false } : {}),
    ...(spec.checkpointDir ? { checkpoints: new CheckpointStore(spec.checkpointDir) } : {}),
    ...(spec.keepCheckpoints ? { keepCheckpoints: true } : {}),
    ...(spec.resume === false ? { resume: false } : {}),
  });
  reply({ id: WORKER_READY_ID, ready: backend });
  // Load the data while the worker waits for its first task (the first task reports a failure).
  runner.data(prepared.trials[0]!.experiment).catch(() => undefined);
  await serveTrialTasks(abort, (task) => runPhase(runner, task.phase, prepared.trials[task.trial]!, task.context));
  runner.dispose();
  await tracker.close();
}
