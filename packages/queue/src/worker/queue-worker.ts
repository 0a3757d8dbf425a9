import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PAYLOAD_FORMAT, type JobOutcome, type JobPayload } from '../graph/job-payload.js';
import type { SweepQueue } from '../sweep-queue.js';
import { earlierAttemptRuns, endStaleRuns } from './end-stale-runs.js';
import { finishSweep } from './finish-sweep.js';
import type { JobRunner, PhaseJobPayload } from './job-runner.js';
import { WorkerRegistry, type RunningJob, type WorkerInfo } from './worker-registry.js';

/** How a worker takes jobs. */
export interface QueueWorkerOptions {
  /** The queue (its command connection and sweep records). */
  queue: SweepQueue;
  /** A connection of its own for BullMQ's blocking reads (not the queue's). */
  connection: Redis;
  /** Runs the jobs on this machine. */
  runner: JobRunner;
  /** Who this worker is, as `kdlab run --queue` shows it. */
  identity: Omit<WorkerInfo, 'seenAt' | 'jobs' | 'startedAt'>;
  /** Jobs at once (one trial process each). */
  concurrency: number;
  /** How long a job's lock lasts without renewal (ms): a worker silent for this long is taken for dead and its job is retried. Default 60 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock lapsed (ms). Default 15 s. */
  stalledIntervalMs?: number;
  /** How many times a job may lose its worker before it fails. Default 2. */
  maxStalledCount?: number;
  /** Receives one line per event (job taken, done, failed, runs ended KILLED). */
  note?: (line: string) => void;
}

/** Errors after which a job is given back to the queue rather than failed: the worker was stopped, or its trial process died. */
function isRetriable(error: Error): boolean {
  return error.name === 'TrainingAbortedError' || /worker process exited/i.test(error.message);
}

/**
 * A queue worker: takes a sweep's jobs from BullMQ as they are released, runs each with the same code
 * path as `kdlab run --jobs` (its {@link JobRunner}), records its outcome and releases the jobs that
 * waited for it. A job whose earlier attempt died has that attempt's runs ended KILLED first; a job
 * already done (a retry after a crash between finishing and recording) is recorded, not run again.
 * A trial that fails fails its job at once; an interrupted worker gives its jobs back.
 */
export class QueueWorker {
  readonly #options: QueueWorkerOptions;
  readonly #registry: WorkerRegistry;
  readonly #running = new Map<string, RunningJob>();
  readonly #startedAt = Date.now();
  #worker: Worker<JobPayload, JobOutcome> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: QueueWorkerOptions) {
    this.#options = options;
    this.#registry = new WorkerRegistry(options.queue.connection, `kdlab:${options.queue.name}`);
  }

  #note(line: string): void {
    this.#options.note?.(line);
  }

  #info(): WorkerInfo {
    return { ...this.#options.identity, startedAt: this.#startedAt, seenAt: Date.now(), jobs: [...this.#running.values()] };
  }

  /** Starts taking jobs, and the heartbeat that shows this worker to `kdlab run --queue`. */
  async start(): Promise<void> {
    await this.#registry.beat(this.#info());
    this.#heartbeat = setInterval(() => void this.#registry.beat(this.#info()).catch(() => undefined), 5000);
    this.#heartbeat.unref();
    const worker = new Worker<JobPayload, JobOutcome>(this.#options.queue.name, (job) => this.#process(job), {
      connection: this.#options.connection,
      concurrency: this.#options.concurrency,
      lockDuration: this.#options.lockDurationMs ?? 60_000,
      stalledInterval: this.#options.stalledIntervalMs ?? 15_000,
      maxStalledCount: this.#options.maxStalledCount ?? 2,
      name: this.#options.identity.id,
    });
    // A job that failed for good without its processor saying so (its attempts used up by
    // interruptions, or its worker lost too often) is recorded failed here, so the sweep ends.
    worker.on('failed', (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled more than allowable limit/i.test(error.message)) return;
      const payload = job.data;
      void this.#options.queue.settle(payload.sweep.invocation, payload.node, { ok: false, message: error.message, worker: this.#options.identity.id }).catch((e: Error) => this.#note(`could not record the failure of ${job.id}: ${e.message}`));
    });
    worker.on('error', (error) => this.#note(`queue: ${error.message}`));
    this.#worker = worker;
  }

  async #process(job: Job<JobPayload, JobOutcome>): Promise<JobOutcome> {
    const payload = job.data;
    const jobId = job.id!;
    if (payload.format !== JOB_PAYLOAD_FORMAT) {
      throw new UnrecoverableError(`job ${jobId} has payload format ${String(payload.format)}; this worker reads format ${JOB_PAYLOAD_FORMAT}: run the same kdlab version on every machine.`);
    }
    const { sweep } = payload;
    const { queue, runner } = this.#options;
    const tracker = runner.tracker(sweep.trackingUri);
    this.#running.set(jobId, { jobId, node: payload.node, sweepId: sweep.sweepId, startedAt: Date.now() });
    void this.#registry.beat(this.#info()).catch(() => undefined);
    try {
      if (payload.kind === 'finish') {
        const outcome = await finishSweep(tracker, queue.state, sweep);
        await queue.settle(sweep.invocation, payload.node, outcome);
        this.#note(`sweep ${sweep.sweepId} (${sweep.experimentName}) ended: ${outcome.ok ? 'FINISHED' : `FAILED, ${outcome.message}`}`);
        return outcome;
      }
      const phase = payload as PhaseJobPayload;
      const recorded = await queue.state.outcome(sweep.invocation, payload.node);
      if (recorded) {
        await queue.settle(sweep.invocation, payload.node, recorded);
        return recorded;
      }
      const missing = runner.missingPlugins(phase.plugins);
      if (missing.length > 0) {
        const message = `this worker (${this.#options.identity.host}) has no ${missing.join(', ')}: start it with --plugin <module> naming the package or file that defines ${missing.length === 1 ? 'it' : 'them'}`;
        await queue.settle(sweep.invocation, payload.node, { ok: false, message, worker: this.#options.identity.id });
        throw new UnrecoverableError(message);
      }
      // A retry (its worker died, or was stopped): an earlier attempt may have finished the trial
      // before it could record so, or left runs RUNNING. A first attempt has no runs to look for.
      if (job.attemptsStarted > 1) {
        const earlier = await earlierAttemptRuns(tracker, sweep.experimentName, jobId);
        const finished = payload.kind === 'trial' ? earlier.find((run) => run.status === 'FINISHED' && run.tags['kdlab.role'] === 'distilled') : undefined;
        if (finished) {
          const outcome: JobOutcome = { ok: true, runId: finished.runId, message: 'finished by an earlier attempt' };
          await queue.settle(sweep.invocation, payload.node, outcome);
          return outcome;
        }
        const killed = await endStaleRuns(tracker, earlier, jobId, (line) => this.#note(line));
        if (killed.length > 0) this.#note(`${jobId}: ended KILLED the run(s) ${killed.join(', ')} its earlier attempt left RUNNING`);
      }
      this.#note(`${jobId}: ${payload.kind} of trial ${phase.trial.trial.index} (attempt ${job.attemptsStarted})`);
      const started = Date.now();
      let outcome: JobOutcome;
      try {
        const result = await runner.runPhase(phase);
        const ended = Date.now();
        outcome = {
          ok: true,
          seconds: (ended - started) / 1000,
          startedAt: started,
          endedAt: ended,
          worker: this.#options.identity.id,
          ...(result ? { runId: result.distilled.runId, accuracy: result.distilled.training.testLast.accuracy } : {}),
        };
      } catch (error) {
        if (isRetriable(error as Error)) throw error;
        const message = (error as Error).message;
        await queue.settle(sweep.invocation, payload.node, { ok: false, message, seconds: (Date.now() - started) / 1000, worker: this.#options.identity.id });
        throw new UnrecoverableError(message);
      }
      await queue.settle(sweep.invocation, payload.node, outcome);
      this.#note(`${jobId}: done in ${outcome.seconds?.toFixed(1)} s${outcome.accuracy !== undefined ? `, test accuracy ${outcome.accuracy.toFixed(4)}` : ''}`);
      return outcome;
    } finally {
      this.#running.delete(jobId);
      void this.#registry.beat(this.#info()).catch(() => undefined);
    }
  }

  /**
   * Stops taking jobs. With `force`, the jobs in progress are left to be taken elsewhere once their
   * locks lapse (the caller has stopped their trial processes); without, waits for them.
   */
  async close(force = false): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await this.#worker?.close(force);
    await this.#registry.remove(this.#options.identity.id).catch(() => undefined);
  }
}
