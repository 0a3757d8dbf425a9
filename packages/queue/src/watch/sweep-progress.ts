import type { JobOutcome } from '../graph/job-payload.js';
import type { SweepRecord } from '../redis/sweep-state.js';
import type { SweepQueue } from '../sweep-queue.js';
import { WorkerRegistry, type WorkerInfo } from '../worker/worker-registry.js';

/** A job of a sweep that a worker runs now. */
export interface RunningSweepJob {
  /** The job's id within the sweep (`trial-3`). */
  node: string;
  /** The worker's host. */
  host: string;
  /** The worker's process id. */
  pid: number;
  /** When the job started (ms since the epoch). */
  since: number;
}

/** Where a sweep stands. */
export interface SweepProgress {
  /** Its record. */
  record: SweepRecord;
  /** Trials with an outcome. */
  done: number;
  /** Of those, failed (or not run because a teacher or baseline failed). */
  failed: number;
  /** Jobs of the sweep running now (teachers and baselines included), with their worker. */
  running: RunningSweepJob[];
  /** Trials running now (without an outcome yet). */
  runningTrials: number;
  /** Trials neither done nor running. */
  waiting: number;
  /** The live workers of the queue. */
  workers: WorkerInfo[];
  /** Mean seconds of the trials done so far on their workers, when any. */
  meanTrialSeconds?: number;
  /** Estimated seconds until every trial is done: waiting and running trials at the mean trial time, spread over the workers' slots. */
  etaSeconds?: number;
}

/** Reads where a sweep stands from Redis (its outcomes) and the workers' heartbeats. */
export async function sweepProgress(queue: SweepQueue, record: SweepRecord, now = Date.now()): Promise<SweepProgress> {
  const outcomes = await queue.state.outcomes(record.invocation);
  const trials = [...outcomes].filter(([node]) => node.startsWith('trial-')).map(([, outcome]): JobOutcome => outcome);
  const workers = await new WorkerRegistry(queue.connection, `kdlab:${queue.name}`).live(now);
  const running = workers.flatMap((w) => w.jobs.filter((job) => job.sweepId === record.sweepId && job.jobId.startsWith(`${record.invocation}.`)).map((job) => ({ node: job.node, host: w.host, pid: w.pid, since: job.startedAt })));
  const runningTrials = running.filter((job) => job.node.startsWith('trial-') && !outcomes.has(job.node)).length;
  const timed = trials.filter((o) => o.ok && o.seconds !== undefined).map((o) => o.seconds!);
  const meanTrialSeconds = timed.length > 0 ? timed.reduce((a, b) => a + b, 0) / timed.length : undefined;
  const waiting = Math.max(0, record.pending - trials.length - runningTrials);
  const slots = Math.max(1, workers.reduce((sum, w) => sum + w.concurrency, 0));
  const etaSeconds = meanTrialSeconds === undefined ? undefined : (meanTrialSeconds * (waiting + runningTrials * 0.5)) / slots;
  return {
    record,
    done: trials.length,
    failed: trials.filter((o) => !o.ok).length,
    running,
    runningTrials,
    waiting,
    workers,
    ...(meanTrialSeconds !== undefined ? { meanTrialSeconds } : {}),
    ...(etaSeconds !== undefined ? { etaSeconds } : {}),
  };
}

/** Seconds as `1h 05m`, `4m 10s` or `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * A sweep's progress as text: one summary line (trials done / running / waiting, failures, the time
 * left), then one line per live worker with its host, backend, threads and the jobs it runs.
 */
export function formatProgress(progress: SweepProgress, now = Date.now()): string {
  const { record } = progress;
  const { runningTrials } = progress;
  const parts = [
    `${progress.done}/${record.pending} trials done${progress.failed > 0 ? ` (${progress.failed} failed)` : ''}`,
    `${runningTrials} running`,
    `${progress.waiting} waiting`,
  ];
  const others = progress.running.filter((job) => !job.node.startsWith('trial-')).length;
  if (others > 0) parts.push(`${others} teacher/baseline job${others === 1 ? '' : 's'} running`);
  if (progress.etaSeconds !== undefined) parts.push(`about ${formatDuration(progress.etaSeconds)} left (${formatDuration(progress.meanTrialSeconds!)} a trial)`);
  const lines = [`sweep ${record.sweepId.slice(0, 12)} (${record.experimentName}): ${parts.join(', ')}`];
  if (progress.workers.length === 0) lines.push('  no worker is connected: start `kdlab worker --queue <url>` on a machine');
  for (const w of progress.workers) {
    const jobs = w.jobs.filter((job) => job.sweepId === record.sweepId).map((job) => `${job.node} (${formatDuration((now - job.startedAt) / 1000)})`);
    const other = w.jobs.length - jobs.length;
    const threads = w.threads !== undefined ? `, ${w.threads} thread${w.threads === 1 ? '' : 's'}` : '';
    const gpus = w.gpus && w.gpus.length > 0 ? `, GPU ${w.gpus.join(',')}` : '';
    lines.push(`  ${w.host} pid ${w.pid} (${w.backend}${threads}${gpus}, ${w.concurrency} at once): ${jobs.length > 0 ? jobs.join(', ') : 'idle'}${other > 0 ? ` + ${other} job(s) of other sweeps` : ''}`);
  }
  return lines.join('\n');
}
