import type { Tracker } from '@kdlab/core';
import { describeTrial } from '@kdlab/core';
import type { ResolvedTrial, RunReporter, SweepDefinition } from '@kdlab/runner';
import { finishedTrialRuns, newInvocationId, startSweepRun, sweepIdentity, trialContext } from '@kdlab/runner';
import { buildJobGraph } from './graph/job-graph.js';
import { JOB_PAYLOAD_FORMAT, jobIdOf, type JobPayload, type SweepAddress } from './graph/job-payload.js';
import { pluginReferences } from './graph/plugin-references.js';
import type { SweepRecord } from './redis/sweep-state.js';
import type { SweepQueue } from './sweep-queue.js';

/** Everything {@link enqueueSweep} needs. */
export interface EnqueueSweepOptions {
  /** The queue. */
  queue: SweepQueue;
  /** The MLflow experiment. */
  experimentName: string;
  /** The sweep as written (logged on the parent run). */
  definition: SweepDefinition;
  /** Every trial, validated. */
  trials: readonly ResolvedTrial[];
  /** The study's tracker: the parent run is started there, and finished trials are looked up there. */
  tracker: Tracker;
  /** The tracking URI the workers log to, without credentials (undefined: each worker's `./mlruns`). */
  trackingUri?: string;
  /** Tags of the parent run (the standard run tags). */
  baseTags?: Record<string, string>;
  /** Skip trials whose distilled run already finished with the same config hash. Default true. */
  resume?: boolean;
  /** Receives notes. */
  reporter?: RunReporter;
}

/** A trial not enqueued because its distilled run had finished earlier. */
export interface SkippedTrial {
  /** The trial's index. */
  trial: number;
  /** Its FINISHED distilled run. */
  runId: string;
}

/** What {@link enqueueSweep} did. */
export interface EnqueuedSweep {
  /** The sweep's record. */
  record: SweepRecord;
  /** True when the sweep was already in the queue (still active): nothing was added, the caller watches it. */
  attached: boolean;
  /** Trials skipped because they had finished earlier. */
  skipped: SkippedTrial[];
}

/**
 * Enqueues a sweep on a job queue. A sweep already in the queue and still active is not enqueued
 * again (the caller watches it). Otherwise: trials that finished earlier (config hash) are skipped,
 * the parent run is started and handed over to the queue (its `finish` job ends it), and the jobs are
 * recorded with their dependencies before the first ones (the teachers) are added, so that workers
 * anywhere can take them at once and no process needs to stay.
 */
export async function enqueueSweep(options: EnqueueSweepOptions): Promise<EnqueuedSweep> {
  const { queue, trials, tracker, experimentName } = options;
  const sweepId = sweepIdentity(experimentName, options.definition, trials);
  const existing = await queue.state.sweep(sweepId);
  if (existing?.state === 'active') {
    // Its first jobs are added again (a no-op for those in the queue): an enqueueing that died after
    // recording the sweep and before adding them would otherwise never start.
    for (const node of await queue.state.roots(existing.invocation)) await queue.add(existing.invocation, node);
    return { record: existing, attached: true, skipped: [] };
  }

  const skipped: EnqueuedSweep['skipped'] = [];
  const pending: ResolvedTrial[] = [];
  const finishedRuns = options.resume === false ? [] : await finishedTrialRuns(tracker, experimentName, trials);
  for (const [i, t] of trials.entries()) {
    const finished = finishedRuns[i];
    if (finished) {
      skipped.push({ trial: t.trial.index, runId: finished });
      options.reporter?.note(`trial ${t.trial.index} (${describeTrial(t.trial)}): already finished in run ${finished}, skipped`);
    } else pending.push(t);
  }

  const invocation = newInvocationId();
  const parent = await startSweepRun(tracker, {
    experimentName,
    definition: options.definition,
    trials,
    sweepId,
    invocation,
    baseTags: { ...options.baseTags, 'kdlab.queue': queue.name },
  });
  const record: SweepRecord = {
    sweepId,
    invocation,
    experimentName,
    parentRunId: parent.runId,
    ...(options.trackingUri !== undefined ? { trackingUri: options.trackingUri } : {}),
    trials: trials.length,
    pending: pending.length,
    state: 'active',
    enqueuedAt: Date.now(),
  };
  if (pending.length === 0) {
    await parent.end('FINISHED');
    const done: SweepRecord = { ...record, state: 'finished', endedAt: Date.now() };
    await queue.state.create(done, [], new Map());
    return { record: done, attached: false, skipped };
  }
  if (!parent.handOver) throw new Error(`The tracker '${tracker.description}' cannot hand a run over to another process: a queued sweep needs it.`);
  try {
    record.parentRunId = await parent.handOver();
  } catch (error) {
    await parent.end('FAILED').catch(() => undefined);
    throw error;
  }

  const sweep: SweepAddress = { sweepId, invocation, experimentName, parentRunId: record.parentRunId, ...(options.trackingUri !== undefined ? { trackingUri: options.trackingUri } : {}) };
  const graph = buildJobGraph(pending);
  const payloads = new Map<string, JobPayload>();
  for (const node of graph.nodes) {
    const payload: JobPayload = { format: JOB_PAYLOAD_FORMAT, sweep, node: node.id, kind: node.kind };
    if (node.trial !== undefined) {
      const t = trials[node.trial]!;
      payload.trial = t;
      payload.context = trialContext({ invocation, parentRunId: record.parentRunId, sweepId }, t, { 'kdlab.job_id': jobIdOf(invocation, node.id) });
      payload.plugins = pluginReferences(t.experiment);
    }
    payloads.set(node.id, payload);
  }
  await queue.state.create(record, graph.nodes, payloads);
  for (const node of graph.nodes) if (node.deps.length === 0) await queue.add(invocation, node.id, payloads.get(node.id));
  return { record, attached: false, skipped };
}
