import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepRecord } from '../redis/sweep-state.js';
import type { SweepQueue } from '../sweep-queue.js';
import { sweepProgress, type SweepProgress } from './sweep-progress.js';

/** How {@link watchSweep} watches. */
export interface WatchSweepOptions {
  /** Milliseconds between looks. Default 2000. */
  intervalMs?: number;
  /** Receives the progress at each look. */
  onProgress?: (progress: SweepProgress) => void;
  /** Stops watching (the sweep goes on in the queue). */
  signal?: AbortSignal;
}

/**
 * Watches a sweep until its `finish` job has ended it, and answers its final record. At each look it
 * also records as failed any job of the sweep that BullMQ failed without an outcome (its worker lost
 * too often), so that the sweep still ends.
 *
 * @throws the signal's reason when aborted.
 */
export async function watchSweep(queue: SweepQueue, sweepId: string, options: WatchSweepOptions = {}): Promise<SweepRecord> {
  for (;;) {
    options.signal?.throwIfAborted();
    const record = await queue.state.sweep(sweepId);
    if (!record) throw new Error(`Sweep ${sweepId} is not on queue "${queue.name}" (was Redis flushed?).`);
    options.onProgress?.(await sweepProgress(queue, record));
    if (record.state !== 'active') return record;
    await settleLostJobs(queue, record);
    await sleep(options.intervalMs ?? 2000, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
  }
}

/** Records the sweep's jobs that BullMQ failed for good but that have no outcome (none of its workers saw the failure). */
async function settleLostJobs(queue: SweepQueue, record: SweepRecord): Promise<void> {
  const prefix = `${record.invocation}.`;
  for (const job of await queue.queue.getFailed(0, -1)) {
    if (!job.id?.startsWith(prefix)) continue;
    if (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled more than allowable limit/i.test(job.failedReason)) continue;
    const node = job.id.slice(prefix.length);
    if (await queue.state.outcome(record.invocation, node)) continue;
    await queue.settle(record.invocation, node, { ok: false, message: job.failedReason || 'the job failed' });
  }
}
