import type { MetricPoint, RunHandle } from '@kdlab/core';

/**
 * A reopened run's handle that drops metric points its run already has (a step at or before the
 * last one logged for that key): a training resumed from its checkpoint logs again what it
 * recomputes or replays, and the run keeps each step once.
 *
 * @param handle - The reopened run.
 * @param lastSteps - The last step logged of each key before the run was reopened.
 */
export function droppingLoggedSteps(handle: RunHandle, lastSteps: Readonly<Record<string, number>>): RunHandle {
  const isNew = (point: MetricPoint): boolean => {
    const last = lastSteps[point.key];
    return last === undefined || point.step > last;
  };
  return {
    runId: handle.runId,
    experimentId: handle.experimentId,
    logParams: (params) => handle.logParams(params),
    logMetrics: async (points) => {
      const fresh = points.filter(isNew);
      if (fresh.length > 0) await handle.logMetrics(fresh);
    },
    setTags: (tags) => handle.setTags(tags),
    logArtifact: (path, contents) => handle.logArtifact(path, contents),
    end: (status) => handle.end(status),
  };
}
