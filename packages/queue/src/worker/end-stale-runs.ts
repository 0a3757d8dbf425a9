import type { FoundRun, Tracker } from '@kdlab/core';

/** The runs of a job's earlier attempts: those tagged `kdlab.job_id` with its id. */
export async function earlierAttemptRuns(tracker: Tracker, experimentName: string, jobId: string): Promise<FoundRun[]> {
  return (await tracker.findRuns?.(experimentName, { 'kdlab.job_id': jobId })) ?? [];
}

/**
 * Ends KILLED the runs an earlier attempt of a job left RUNNING (its worker died: SIGKILL, a machine
 * lost), from {@link earlierAttemptRuns}. Answers the ids ended; a run that cannot be taken over (its
 * owner may be alive) is reported through `warn` and left.
 */
export async function endStaleRuns(tracker: Tracker, earlier: readonly FoundRun[], jobId: string, warn: (message: string) => void): Promise<string[]> {
  if (!tracker.resumeRun) return [];
  const ended: string[] = [];
  for (const run of earlier) {
    if (run.status !== 'RUNNING') continue;
    try {
      const { handle } = await tracker.resumeRun(run.runId);
      await handle.setTags({ 'kdlab.killed_by': 'queue: its worker died; the job was retried' });
      await handle.end('KILLED');
      ended.push(run.runId);
    } catch (error) {
      warn(`run ${run.runId} of job ${jobId}, left RUNNING by an earlier attempt, could not be ended KILLED: ${(error as Error).message}`);
    }
  }
  if (ended.length > 0) await tracker.flush();
  return ended;
}
