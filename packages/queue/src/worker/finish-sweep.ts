import type { RunStatus, Tracker } from '@kdlab/core';
import type { JobOutcome, SweepAddress } from '../graph/job-payload.js';
import type { SweepState } from '../redis/sweep-state.js';

/** How long an ended sweep's job records are kept: as long as BullMQ keeps its finished jobs (a month). */
export const RECORDS_KEPT_SECONDS = 30 * 24 * 3600;

/**
 * The `finish` job of a sweep: ends the parent run FINISHED when every trial succeeded and FAILED
 * otherwise (tagging how many failed), and records the sweep's end. Run again (a retry), it leaves an
 * ended parent as it is.
 */
export async function finishSweep(tracker: Tracker, state: SweepState, sweep: SweepAddress): Promise<JobOutcome> {
  const outcomes = await state.outcomes(sweep.invocation);
  const trials = [...outcomes].filter(([node]) => node.startsWith('trial-')).map(([, outcome]) => outcome);
  const failed = trials.filter((outcome) => !outcome.ok).length;
  const status: RunStatus = failed > 0 ? 'FAILED' : 'FINISHED';
  const parents = (await tracker.findRuns?.(sweep.experimentName, { 'kdlab.role': 'sweep', 'kdlab.invocation': sweep.invocation })) ?? [];
  const parent = parents.find((run) => run.runId === sweep.parentRunId);
  if (parent === undefined || parent.status === 'RUNNING') {
    if (!tracker.resumeRun) throw new Error(`The tracker '${tracker.description}' cannot resume runs: the sweep's parent run ${sweep.parentRunId} cannot be ended.`);
    const { handle } = await tracker.resumeRun(sweep.parentRunId);
    await handle.setTags({ 'kdlab.trials_run': String(trials.length), 'kdlab.trials_failed': String(failed) });
    await handle.end(status);
    await tracker.flush();
  }
  const record = await state.sweep(sweep.sweepId);
  if (record && record.invocation === sweep.invocation) await state.update({ ...record, state: failed > 0 ? 'failed' : 'finished', endedAt: Date.now() });
  await state.expire(sweep.invocation, RECORDS_KEPT_SECONDS);
  return { ok: failed === 0, ...(failed > 0 ? { message: `${failed} of ${trials.length} trials failed` } : {}) };
}
