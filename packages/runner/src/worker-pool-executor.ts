import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ExperimentResult, TrialContext, TrialPhase } from './trial-types.js';
import type { ResolvedTrial, TrialExecutor } from './run-sweep.js';
import type { BackendInfo } from '@kdlab/core';
import { WORKER_READY_ID, WORKER_REPLY_PREFIX, type WorkerReply, type WorkerTask } from './worker-protocol.js';

/** How to start a worker process: the command line of `kdlab _worker` with the run's options. */
export interface WorkerCommand {
  /** The executable (node). */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** Extra environment of the n-th worker started (0-based), after `env`: e.g. the one GPU it sees. */
  envOf?: (index: number) => Record<string, string>;
  /**
   * Lines of a worker's stderr to leave out (TensorFlow's start-up chatter): when given, each worker's
   * stderr is passed on line by line without them; else it goes straight to this process's stderr.
   */
  dropStderrLine?: (line: string) => boolean;
}

interface Pending {
  resolve: (result: ExperimentResult | undefined) => void;
  reject: (error: Error) => void;
}

interface Worker {
  process: ChildProcess;
  busy: boolean;
  pending: Map<number, Pending>;
  exited: boolean;
  /** Settles with the worker's start-up reply: the backend it loaded, or why it could not start. */
  ready: Promise<BackendInfo>;
}

/**
 * Runs a sweep's phases in parallel worker processes (one wasm process uses one core). Each worker
 * loads the same experiment, validates it and keeps its own runner; teachers and baselines reach the
 * others through the disk cache, and every worker logs into the same tracker.
 */
export class WorkerPoolExecutor implements TrialExecutor {
  readonly #workers: Worker[] = [];
  readonly #waiting: (() => void)[] = [];
  #nextId = 0;

  /**
   * @param command - how to start a worker.
   * @param parallelism - how many workers.
   * @param baselinesAlongsideTeachers - whether the workers share a disk cache, through which a
   *   baseline can wait for a teacher another worker trains.
   */
  constructor(
    private readonly command: WorkerCommand,
    readonly parallelism: number,
    readonly baselinesAlongsideTeachers = false,
  ) {}

  /** {@inheritDoc TrialExecutor.warmUp} */
  warmUp(count: number): void {
    while (this.#workers.filter((w) => !w.exited).length < Math.min(count, this.parallelism)) this.#start();
  }

  /** {@inheritDoc TrialExecutor.interrupt} */
  interrupt(): void {
    for (const worker of this.#workers) if (worker.busy && !worker.exited) worker.process.kill('SIGINT');
  }

  /**
   * Passes a signal on to every worker still running: each stops its phase in progress at the next
   * step (its run ended KILLED) and fails the phases sent to it afterwards without starting them.
   *
   * @param signal - `SIGINT` or `SIGTERM`, as this process received it.
   */
  signalWorkers(signal: 'SIGINT' | 'SIGTERM'): void {
    for (const worker of this.#workers) if (!worker.exited) worker.process.kill(signal);
  }

  #start(): Worker {
    const drop = this.command.dropStderrLine;
    const child = spawn(this.command.command, this.command.args, {
      stdio: ['pipe', 'pipe', drop === undefined ? 'inherit' : 'pipe'],
      env: { ...process.env, ...this.command.env, ...this.command.envOf?.(this.#workers.length) },
    });
    if (drop !== undefined) {
      createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (line) => {
        if (!drop(line)) process.stderr.write(`${line}\n`);
      });
    }
    let started: { resolve: (info: BackendInfo) => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<BackendInfo>((resolve, reject) => (started = { resolve, reject }));
    ready.catch(() => undefined); // awaited by start(); a failure also fails the worker's tasks
    const worker: Worker = { process: child, busy: false, pending: new Map(), exited: false, ready };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(WORKER_REPLY_PREFIX)) {
        process.stdout.write(`${line}\n`);
        return;
      }
      const reply = JSON.parse(line.slice(WORKER_REPLY_PREFIX.length)) as WorkerReply;
      if (reply.id === WORKER_READY_ID) {
        if (reply.ready) started!.resolve(reply.ready);
        else started!.reject(new Error(reply.error ?? 'A worker process could not start.'));
        return;
      }
      const pending = worker.pending.get(reply.id);
      worker.pending.delete(reply.id);
      if (!pending) return;
      if (reply.error !== undefined) {
        const error = new Error(reply.error);
        error.name = reply.errorName ?? 'Error';
        pending.reject(error);
      } else pending.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      worker.exited = true;
      started!.reject(new Error(`A worker process exited (${signal ?? `code ${code}`}) before it was ready.`));
      for (const pending of worker.pending.values()) pending.reject(new Error(`A worker process exited (${signal ?? `code ${code}`}) during its task.`));
      worker.pending.clear();
    });
    this.#workers.push(worker);
    return worker;
  }

  /**
   * Starts up to `count` workers (at most {@link WorkerPoolExecutor.parallelism}) and waits until each
   * has loaded the experiment and its backend; answers the backend they loaded.
   * @throws Error with a worker's message when one could not start (a bad backend, say).
   */
  async start(count: number): Promise<BackendInfo> {
    this.warmUp(Math.max(1, count));
    const loaded = await Promise.all(this.#workers.map((w) => w.ready));
    return loaded[0]!;
  }

  /** Takes an idle worker (starting one while below the limit), marked busy before any await. */
  async #acquire(): Promise<Worker> {
    for (;;) {
      const idle = this.#workers.find((w) => !w.busy && !w.exited);
      const worker = idle ?? (this.#workers.filter((w) => !w.exited).length < this.parallelism ? this.#start() : undefined);
      if (worker) {
        worker.busy = true;
        return worker;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** {@inheritDoc TrialExecutor.run} */
  run(phase: TrialPhase, trial: ResolvedTrial, context: TrialContext): Promise<ExperimentResult | undefined> {
    return this.#send({ phase, trial: trial.trial.index, context });
  }

  /**
   * Runs one phase of a trial sent whole ({@link WorkerTask.inline}), for workers started without an
   * experiment file (a queue worker's trial processes), its runs logged to `trackingUri`.
   */
  runInline(phase: TrialPhase, trial: ResolvedTrial, context: TrialContext, trackingUri: string | undefined): Promise<ExperimentResult | undefined> {
    return this.#send({ phase, trial: trial.trial.index, context, inline: { trial, ...(trackingUri !== undefined ? { trackingUri } : {}) } });
  }

  async #send(message: Omit<WorkerTask, 'id'>): Promise<ExperimentResult | undefined> {
    const worker = await this.#acquire();
    try {
      const id = this.#nextId++;
      const task: WorkerTask = { id, ...message };
      return await new Promise<ExperimentResult | undefined>((resolve, reject) => {
        worker.pending.set(id, { resolve, reject });
        worker.process.stdin!.write(`${JSON.stringify(task)}\n`);
      });
    } finally {
      worker.busy = false;
      this.#waiting.shift()?.();
    }
  }

  /** Ends every worker (their stdin closes; each finishes its tracker and exits). */
  async close(): Promise<void> {
    await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exited) return resolve();
            worker.process.once('exit', () => resolve());
            worker.process.stdin!.end();
          }),
      ),
    );
  }
}
