import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobOutcome, JobPayload } from './graph/job-payload.js';
import { jobIdOf } from './graph/job-payload.js';
import { SweepState } from './redis/sweep-state.js';

/** The default BullMQ queue name of kdlab's trials. */
export const DEFAULT_QUEUE_NAME = 'kdlab';

/**
 * How a job is retried. A worker that dies mid-trial (its lock lapses) gives its job back to the
 * queue for another worker, up to `maxStalledCount` times (set on the workers); an interrupted worker
 * (Ctrl-C) gives it back as a failed attempt, up to `attempts`; a trial that fails on its own (bad
 * data, a NaN loss) fails at once (`UnrecoverableError`), as it would locally. Finished jobs are kept
 * a month: their ids keep a re-released job from running again.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * A kdlab queue: BullMQ's queue of jobs and kdlab's record of sweeps beside it. Adds released jobs,
 * settles outcomes and passes failures on to the jobs that depended on them.
 */
export class SweepQueue {
  /** The BullMQ queue. */
  readonly queue: Queue;
  /** The sweep records. */
  readonly state: SweepState;

  /**
   * @param connection - a Redis connection for commands (BullMQ duplicates it where it blocks).
   * @param name - the queue's name.
   */
  constructor(
    readonly connection: Redis,
    readonly name: string = DEFAULT_QUEUE_NAME,
  ) {
    this.queue = new Queue(name, { connection });
    this.state = new SweepState(connection, `kdlab:${name}`);
  }

  /** Adds a recorded job to the queue (a no-op when its id is already there). */
  async add(invocation: string, node: string, payload?: JobPayload): Promise<void> {
    const data = payload ?? (await this.state.payload(invocation, node));
    await this.queue.add(data.kind, data, { ...JOB_OPTIONS, jobId: jobIdOf(invocation, node) });
  }

  /**
   * Records a job's outcome and adds the jobs it released. A job released after a dependency failed is
   * not run: it is settled as failed in turn (naming the dependency), down to the sweep's `finish`
   * job, which always runs so that the sweep's parent run ends.
   */
  async settle(invocation: string, node: string, outcome: JobOutcome): Promise<void> {
    const released = await this.state.complete(invocation, node, outcome);
    for (const next of released) {
      const failedDep = next === 'finish' ? undefined : await this.#failedDependency(invocation, next);
      if (failedDep !== undefined) await this.settle(invocation, next, { ok: false, message: `not run: ${failedDep.node} failed (${failedDep.message ?? 'no message'})` });
      else await this.add(invocation, next);
    }
  }

  async #failedDependency(invocation: string, node: string): Promise<{ node: string; message?: string } | undefined> {
    for (const dep of await this.state.deps(invocation, node)) {
      const outcome = await this.state.outcome(invocation, dep);
      if (outcome && !outcome.ok) return { node: dep, ...(outcome.message !== undefined ? { message: outcome.message } : {}) };
    }
    return undefined;
  }

  /** Closes the BullMQ queue (not the connection, which the caller owns). */
  async close(): Promise<void> {
    await this.queue.close();
  }
}
