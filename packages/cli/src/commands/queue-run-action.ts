import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tracker } from '@kdlab/core';
import { connectRedis, enqueueSweep, formatProgress, parseRedisUrl, SweepQueue, waitForRedis, watchSweep, DEFAULT_QUEUE_NAME, type SweepProgress } from '@kdlab/queue';
import { standardRunTags } from '@kdlab/tracking';
import { CliFailure } from '../cli-failure.js';
import { EXIT } from '../exit-codes.js';
import type { PreparedExperiment } from '../prepare-experiment.js';
import { TerminalReporter } from '../terminal-reporter.js';

/** The queue options of `kdlab run`. */
export interface QueueRunOptions {
  /** `--queue`: the Redis URL. */
  queue: string;
  /** `--queue-name`. */
  queueName?: string;
  /** `--detach`: enqueue and exit. */
  detach?: boolean;
  /** `--no-resume` makes it false. */
  resume: boolean;
  /** The tracking URI as given (`--tracking-uri` or `MLFLOW_TRACKING_URI`). */
  trackingUri?: string;
}

/**
 * The tracking URI the workers get: an MLflow server's without user name or password (each worker
 * has its own credentials, in its environment: they never travel in a job), a file store's as an
 * absolute path (the workers must share that disk).
 */
export function workerTrackingUri(uri: string | undefined): { uri: string; shared: boolean; hadCredentials: boolean } {
  if (uri !== undefined && /^https?:\/\//i.test(uri)) {
    const url = new URL(uri);
    const hadCredentials = url.username !== '' || url.password !== '';
    url.username = '';
    url.password = '';
    return { uri: url.toString().replace(/\/$/, ''), shared: true, hadCredentials };
  }
  const path = uri === undefined || uri === '' ? './mlruns' : uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  return { uri: resolve(path), shared: false, hadCredentials: false };
}

/**
 * `kdlab run --queue`: enqueues the sweep's jobs on Redis (each teacher, then its baselines, then
 * the distilled students; trials that finished earlier skipped) and, unless `--detach`, waits for
 * `kdlab worker` processes to run them, printing the sweep's progress. A sweep already in the queue
 * is watched, not enqueued again. Ctrl-C stops watching; the sweep goes on.
 */
export async function queueRunAction(prepared: PreparedExperiment, tracker: Tracker, options: QueueRunOptions): Promise<number> {
  const err = process.stderr;
  let location;
  let target;
  try {
    location = parseRedisUrl(options.queue);
    target = workerTrackingUri(options.trackingUri);
  } catch (error) {
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  if (!target.shared) err.write(`kdlab run: the runs go to the file store ${target.uri}: every worker must see that folder (a shared disk); for workers on several machines use an MLflow server (--tracking-uri http://host:5000).\n`);
  if (target.hadCredentials) err.write(`kdlab run: the user name and password in --tracking-uri are not sent to the workers: give each worker MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) in its environment.\n`);
  const connection = connectRedis(location, 'kdlab-run');
  const queue = new SweepQueue(connection, options.queueName ?? DEFAULT_QUEUE_NAME);
  try {
    try {
      await waitForRedis(connection, location);
    } catch (error) {
      throw new CliFailure((error as Error).message, EXIT.invalidInput);
    }
    const reporter = new TerminalReporter();
    const enqueued = await enqueueSweep({
      queue,
      experimentName: prepared.name,
      definition: prepared.definition,
      trials: prepared.trials,
      tracker,
      trackingUri: target.uri,
      baseTags: standardRunTags({ cwd: process.cwd(), entryPoint: prepared.path }),
      resume: options.resume,
      reporter,
    });
    await tracker.flush();
    const { record } = enqueued;
    if (enqueued.attached) err.write(`sweep ${record.sweepId} is already in queue "${queue.name}" (enqueued ${new Date(record.enqueuedAt).toISOString()}): watching it, nothing enqueued again.\n`);
    else if (record.state !== 'active') {
      err.write(`sweep ${record.sweepId}: all ${record.trials} trials had finished earlier (parent run ${record.parentRunId}); nothing to enqueue.\n`);
      return EXIT.ok;
    } else err.write(`sweep ${record.sweepId}: ${record.pending} of ${record.trials} trials enqueued on "${queue.name}" at ${location.redacted} (parent run ${record.parentRunId}, runs to ${target.uri}).\n`);
    if (options.detach) {
      err.write(`--detach: the workers (kdlab worker --queue ${location.redacted}) run it; watch it with: kdlab run ${prepared.path} --queue ${location.redacted}\n`);
      return EXIT.ok;
    }
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastText = '';
    let lastPrinted = 0;
    const show = (progress: SweepProgress): void => {
      const text = formatProgress(progress);
      const now = Date.now();
      // Print on change, and at least every minute (a log file shows it is alive).
      if (text.split('\n')[0] === lastText.split('\n')[0] && text === lastText && now - lastPrinted < 60_000) return;
      err.write(`${text}\n`);
      lastText = text;
      lastPrinted = now;
    };
    try {
      const final = await watchSweep(queue, record.sweepId, { onProgress: show, signal: abort.signal });
      const outcomes = await queue.state.outcomes(final.invocation);
      for (const [node, outcome] of [...outcomes].filter(([id]) => id.startsWith('trial-')).sort((a, b) => Number(a[0].slice(6)) - Number(b[0].slice(6)))) {
        const index = Number(node.slice('trial-'.length));
        const label = prepared.trials[index] ? `trial ${index}` : node;
        process.stdout.write(`  ${label}: ${outcome.ok ? `distilled ${outcome.accuracy?.toFixed(4) ?? '(finished earlier)'}${outcome.runId ? ` (run ${outcome.runId})` : ''}` : `FAILED: ${outcome.message}`}\n`);
      }
      process.stdout.write(`sweep ${final.sweepId}: ${final.state.toUpperCase()} (parent run ${final.parentRunId}); statistics over seeds: kdlab compare ${JSON.stringify(prepared.name)}\n`);
      return final.state === 'finished' ? EXIT.ok : EXIT.runFailed;
    } catch (error) {
      if (abort.signal.aborted) {
        err.write(`\nStopped watching; the sweep goes on in the queue (watch it again with the same command).\n`);
        return EXIT.ok;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
