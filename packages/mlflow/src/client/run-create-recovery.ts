import type { Run, RunsPage, SearchRunsInput } from '../model/run.js';

/** What a `runs/create` request asked for, to recognise the run it made. */
export interface RunCreateRequest {
  /** Experiment id. */
  readonly experimentId: string;
  /** Start time sent. */
  readonly startTime: number;
  /** User id sent. */
  readonly userId: string;
  /** Run name sent, when one was. */
  readonly runName: string | undefined;
  /** Tags sent. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * After a `runs/create` attempt whose answer was lost, finds the run it may have created: a RUNNING run of the same
 * experiment with the same start time (searched with `attributes.start_time = T`), user, name and tags. Returns
 * `undefined` when there is none, so that creating again makes no duplicate.
 */
export async function findCreatedRun(
  request: RunCreateRequest,
  search: (input: SearchRunsInput) => Promise<RunsPage>,
): Promise<Run | undefined> {
  const page = await search({
    experimentIds: [request.experimentId],
    filter: `attributes.start_time = ${request.startTime}`,
    runViewType: 'ACTIVE_ONLY',
    maxResults: 1000,
  });
  return page.runs.find(
    (run) =>
      run.info.status === 'RUNNING' &&
      run.info.startTime === request.startTime &&
      run.info.userId === request.userId &&
      (request.runName === undefined || run.info.runName === request.runName) &&
      Object.entries(request.tags).every(([key, value]) => run.data.tags[key] === value),
  );
}
