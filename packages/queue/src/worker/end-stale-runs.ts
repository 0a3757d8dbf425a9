import type { Tracker } from '@kdlab/core';

/**
 * Ends KILLED the runs an earlier attempt of a job left RUNNING (its worker died: SIGKILL, a machine
 * lost): the runs tagged `kdlab.job_id` with the job's id. Answers the ids ended; a run that cannot be
 * taken over (its owner may be alive) is reported through `warn` and left.
 */
export async function endStaleRuns(tracker: Tracker, experimentName: string, jobId: string, warn: (message: string) => void): Promise<string[]> {
  if (!tracker.findRuns || !tracker.resumeRun) return [];
  const ended: string[] = [];
  for (const run of await tracker.findRuns(experimentName, { 'kdlab.job_id': jobId })) {
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
