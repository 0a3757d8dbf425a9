import { parseBackendRequest, selectBackend, type Tracker } from '@kdlab/core';
import { CheckpointStore, DistillationRunner, runPhase, TrainedModelCache, WORKER_READY_ID } from '@kdlab/runner';
import { createModelCacheRemote, createTracker, standardRunTags } from '@kdlab/tracking';
import { TerminalReporter } from '../terminal-reporter.js';
import { replyToParent, serveTrialTasks, stopOnParentSignals } from './trial-task-loop.js';
import { workerRegistries } from '../worker-registries.js';

/** What a queue worker's trial process is started with (the `KDLAB_WORKER` environment variable, JSON): no experiment file, the trials come whole. */
export interface QueueTrialProcessSpec {
  /** Marks the spec. */
  queue: true;
  /** The backend asked for. */
  backend: string;
  /** Extra plugin packages (`--plugin`). */
  plugins: string[];
  /** The local trained-model cache, in front of the tracking server's artifacts. */
  cacheDir?: string;
  /** False: no `model/` artifact per run. */
  saveModels?: boolean;
  /** The checkpoint folder, or undefined for none. */
  checkpointDir?: string;
  /** Keep checkpoints after their runs finished. */
  keepCheckpoints?: boolean;
}

/**
 * A queue worker's trial process: loads its plugins and backend once, then runs the phases its
 * parent sends (JSON lines on stdin, each carrying its trial whole and its tracking URI), with one
 * runner per tracking URI. Teachers and baselines are cached locally and, on a tracking server, as
 * artifacts of their runs, under keys that hold no local path (another machine finds them); replies
 * go to stdout, as `kdlab _worker`'s.
 */
export async function runQueueTrialProcess(spec: QueueTrialProcessSpec): Promise<void> {
  const reply = replyToParent;
  let registries: Awaited<ReturnType<typeof workerRegistries>>;
  let backend: Awaited<ReturnType<typeof selectBackend>>;
  try {
    registries = await workerRegistries(spec.plugins);
    backend = await selectBackend(parseBackendRequest(spec.backend, 'worker'));
  } catch (error) {
    reply({ id: WORKER_READY_ID, error: (error as Error).message, errorName: (error as Error).name });
    process.exitCode = 2;
    return;
  }
  const abort = stopOnParentSignals();
  const reporter = new TerminalReporter(process.stderr, `[trial process ${process.pid}] `);
  const runners = new Map<string, { tracker: Tracker; runner: DistillationRunner; remote?: { close(): Promise<void> } }>();
  const runnerFor = (trackingUri: string | undefined): DistillationRunner => {
    const key = trackingUri ?? '';
    let entry = runners.get(key);
    if (!entry) {
      const tracker = createTracker(trackingUri);
      const remote = createModelCacheRemote(trackingUri);
      const runner = new DistillationRunner({
        registries,
        tracker,
        backend,
        baseTags: standardRunTags({ cwd: process.cwd(), entryPoint: 'kdlab worker' }),
        reporter,
        signal: abort.signal,
        portableCacheKeys: true,
        ...(spec.cacheDir ? { cache: new TrainedModelCache(spec.cacheDir, { ...(remote ? { remote } : {}), onWarning: (message) => reporter.note(`cache: ${message}`) }) } : {}),
        ...(spec.saveModels === false ? { saveModels: false } : {}),
        ...(spec.checkpointDir ? { checkpoints: new CheckpointStore(spec.checkpointDir) } : {}),
        ...(spec.keepCheckpoints ? { keepCheckpoints: true } : {}),
      });
      entry = { tracker, runner, ...(remote ? { remote } : {}) };
      runners.set(key, entry);
    }
    return entry.runner;
  };
  reply({ id: WORKER_READY_ID, ready: backend });
  await serveTrialTasks(abort, (task) => {
    if (!task.inline) throw new Error('A queue trial process takes only tasks that carry their trial (inline).');
    return runPhase(runnerFor(task.inline.trackingUri), task.phase, task.inline.trial, task.context);
  });
  for (const { runner, tracker, remote } of runners.values()) {
    runner.dispose();
    await tracker.close();
    await remote?.close();
  }
}
