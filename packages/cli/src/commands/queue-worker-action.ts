import { execFileSync } from 'node:child_process';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { isTensorFlowStartupChatter, parseBackendRequest, quietTensorFlow, tensorflowLogWanted, type Tracker } from '@kdlab/core';
import { WorkerPoolExecutor } from '@kdlab/runner';
import { connectRedis, defaultConcurrency, missingPlugins, parseRedisUrl, QueueWorker, selectGpus, SweepQueue, trialProcessEnvironments, waitForRedis, DEFAULT_QUEUE_NAME, type JobRunner } from '@kdlab/queue';
import { createTracker } from '@kdlab/tracking';
import { CliFailure } from '../cli-failure.js';
import { EXIT, exitCodeForSignal } from '../exit-codes.js';
import { workerRegistries } from '../worker-registries.js';
import type { QueueTrialProcessSpec } from './queue-trial-process.js';

/** Options of `kdlab worker`, as commander parses them. */
export interface QueueWorkerOptions {
  queue?: string;
  queueName?: string;
  concurrency?: string;
  threads?: string;
  backend?: string;
  gpus?: string;
  plugin: string[];
  cacheDir?: string;
  cache: boolean;
  checkpointDir?: string;
  checkpoints?: boolean;
  keepCheckpoints?: boolean;
  saveModels?: boolean;
  lockDuration?: string;
  stalledInterval?: string;
}

function positive(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${option}: expected a positive number, got "${value}".`);
  return number;
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  const number = positive(value, option);
  if (number !== undefined && !Number.isInteger(number)) throw new Error(`${option}: expected a positive integer, got "${value}".`);
  return number;
}

/** `nvidia-smi -L`, or undefined when the command is missing or fails. */
function listNvidiaGpus(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return undefined;
  }
}

/**
 * Runs `kdlab worker`: checks its options and the queue (exit 2), starts its trial processes (each
 * loads the backend once, with its GPU when there are GPUs), then takes jobs until SIGINT or SIGTERM,
 * after which the jobs in progress are stopped (their runs ended KILLED) and given back to the queue
 * for another worker.
 */
export async function queueWorkerAction(options: QueueWorkerOptions): Promise<number> {
  const err = process.stderr;
  quietTensorFlow();
  let location;
  let backendRequest: string;
  let concurrency: number;
  let threads: number;
  let gpuPlan;
  let lockSeconds: number;
  let stalledSeconds: number;
  try {
    const url = options.queue ?? process.env['KDLAB_QUEUE'];
    if (url === undefined || url === '') throw new Error('--queue <redis://host:6379/0> is required (or $KDLAB_QUEUE).');
    location = parseRedisUrl(url, options.queue !== undefined ? '--queue' : 'KDLAB_QUEUE');
    backendRequest = parseBackendRequest(options.backend ?? process.env['KDLAB_BACKEND'], options.backend ? '--backend' : 'KDLAB_BACKEND');
    gpuPlan = selectGpus(options.gpus ?? (backendRequest === 'node-gpu' ? 'auto' : 'none'), process.env, listNvidiaGpus);
    if (backendRequest === 'node-gpu' && gpuPlan.gpus.length === 0) throw new Error(`--backend node-gpu: no GPU found (${gpuPlan.source === 'CUDA_VISIBLE_DEVICES' ? 'CUDA_VISIBLE_DEVICES is empty' : 'nvidia-smi lists none'}); name them with --gpus 0,1.`);
    const givenThreads = positiveInteger(options.threads ?? process.env['KDLAB_THREADS'], options.threads !== undefined ? '--threads' : 'KDLAB_THREADS');
    concurrency = positiveInteger(options.concurrency, '--concurrency') ?? defaultConcurrency(gpuPlan, availableParallelism(), givenThreads ?? 1);
    if (gpuPlan.gpus.length > 0 && concurrency !== gpuPlan.gpus.length) throw new Error(`--concurrency ${concurrency}: a GPU worker runs one trial process per GPU (${gpuPlan.gpus.length}: ${gpuPlan.gpus.join(',')}); start one worker per GPU set instead.`);
    threads = givenThreads ?? Math.max(1, Math.floor(availableParallelism() / concurrency));
    lockSeconds = positive(options.lockDuration, '--lock-duration') ?? 60;
    stalledSeconds = positive(options.stalledInterval, '--stalled-interval') ?? 15;
  } catch (error) {
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const connection = connectRedis(location, `kdlab-worker@${hostname()}`);
  try {
    await waitForRedis(connection, location);
  } catch (error) {
    connection.disconnect();
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  const registries = await workerRegistries(options.plugin);
  const cacheDir = options.cache ? resolve(options.cacheDir ?? process.env['KDLAB_CACHE_DIR'] ?? '.kdlab/cache') : undefined;
  const checkpointDir = options.checkpoints === false ? undefined : resolve(options.checkpointDir ?? process.env['KDLAB_CHECKPOINT_DIR'] ?? '.kdlab/checkpoints');
  const spec: QueueTrialProcessSpec = {
    queue: true,
    backend: backendRequest,
    plugins: options.plugin,
    ...(cacheDir ? { cacheDir } : {}),
    ...(options.saveModels === false ? { saveModels: false } : {}),
    ...(checkpointDir ? { checkpointDir } : {}),
    ...(options.keepCheckpoints ? { keepCheckpoints: true } : {}),
  };
  const environments = trialProcessEnvironments(gpuPlan, concurrency);
  const pool = new WorkerPoolExecutor(
    {
      command: process.execPath,
      args: [...process.execArgv, process.argv[1]!, '_worker'],
      env: { KDLAB_WORKER: JSON.stringify(spec), KDLAB_THREADS: String(threads) },
      envOf: (index) => environments[index % environments.length]!,
      ...(tensorflowLogWanted() ? {} : { dropStderrLine: isTensorFlowStartupChatter }),
    },
    concurrency,
  );
  let backend;
  try {
    backend = await pool.start(concurrency);
  } catch (error) {
    await pool.close();
    connection.disconnect();
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }

  const trackers = new Map<string, Tracker>();
  const trackerFor = (uri: string | undefined): Tracker => {
    let tracker = trackers.get(uri ?? '');
    if (!tracker) {
      tracker = createTracker(uri);
      trackers.set(uri ?? '', tracker);
    }
    return tracker;
  };
  const runner: JobRunner = {
    missingPlugins: (references) => missingPlugins(references, registries),
    runPhase: (payload) => pool.runInline(payload.kind === 'teacher' ? 'teacher' : payload.kind === 'baseline' ? 'baseline' : 'trial', payload.trial, payload.context, payload.sweep.trackingUri),
    tracker: trackerFor,
  };
  const queue = new SweepQueue(connection, queueName);
  const blocking = connection.duplicate();
  blocking.on('error', () => undefined);
  const host = hostname();
  const worker = new QueueWorker({
    queue,
    connection: blocking,
    runner,
    identity: { id: `${host}:${process.pid}:${Date.now()}`, host, pid: process.pid, backend: backend.name, threads, concurrency, ...(gpuPlan.gpus.length > 0 ? { gpus: gpuPlan.gpus } : {}) },
    concurrency,
    lockDurationMs: lockSeconds * 1000,
    stalledIntervalMs: stalledSeconds * 1000,
    note: (line) => err.write(`[worker ${host}:${process.pid}] ${line}\n`),
  });
  await worker.start();
  err.write(
    `kdlab worker on ${host} (pid ${process.pid}): ${backend.description}, ${concurrency} trial process${concurrency === 1 ? '' : 'es'}` +
      `${gpuPlan.gpus.length > 0 ? ` (GPU ${gpuPlan.gpus.join(', ')}, from ${gpuPlan.source})` : ''}; queue "${queueName}" at ${location.redacted}. Ctrl-C to stop.\n`,
  );

  // Ctrl-C or SIGTERM: the trial processes stop their phases at the next step (runs ended KILLED),
  // the jobs go back to the queue, and the worker leaves. A second signal quits at once.
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const stopped = new Promise<void>((resolveStop) => {
    const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
      if (stoppedBy) process.exit(exitCodeForSignal(stoppedBy));
      stoppedBy = signal;
      err.write(`\n${signal === 'SIGINT' ? 'Interrupted' : 'Terminated (SIGTERM)'}: stopping the trials in progress (their runs end KILLED) and giving their jobs back to the queue.\n`);
      pool.signalWorkers(signal);
      resolveStop();
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  await stopped;
  await worker.close();
  await pool.close();
  for (const tracker of trackers.values()) await tracker.close();
  await queue.close();
  blocking.disconnect();
  connection.disconnect();
  return exitCodeForSignal(stoppedBy ?? 'SIGINT');
}
