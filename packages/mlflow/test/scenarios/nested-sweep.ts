import type { MlflowClient, Run, RunsPage } from '../../src/index.js';

/** Times of one child run of the sweep. */
export interface SweepChildTimes {
  readonly start: number;
  readonly metric: number;
  readonly end: number;
}

/** Times the nested-sweep scenario sends. */
export interface NestedSweepTimes {
  readonly parentStart: number;
  readonly children: readonly [SweepChildTimes, SweepChildTimes, SweepChildTimes];
  readonly parentEnd: number;
}

/** What the nested-sweep scenario observed. */
export interface NestedSweepResult {
  readonly experimentId: string;
  readonly parent: Run;
  readonly children: readonly Run[];
  readonly ordered: RunsPage;
  readonly paged: readonly Run[];
}

/** Temperatures of the sweep and the test accuracy each child logs. */
export const SWEEP = [
  { temperature: 1, accuracy: 0.61 },
  { temperature: 4, accuracy: 0.83 },
  { temperature: 8, accuracy: 0.74 },
] as const;

/** The recorded nested-sweep scenario: a parent run, three children, a filtered and ordered search, then paging by 2. */
export async function driveNestedSweep(
  client: MlflowClient,
  experimentName: string,
  times: NestedSweepTimes,
): Promise<NestedSweepResult> {
  const experimentId = await client.experiments.create({ name: experimentName });
  const parent = await client.runs.create({
    experimentId,
    startTime: times.parentStart,
    runName: 'sweep-parent',
    userId: 'alice',
    tags: { 'mlflow.user': 'alice' },
  });
  const children: Run[] = [];
  for (const [index, { temperature, accuracy }] of SWEEP.entries()) {
    const childTimes = times.children[index]!;
    const child = await client.runs.create({
      experimentId,
      startTime: childTimes.start,
      runName: `sweep-temp-${temperature}`,
      userId: 'alice',
      tags: { 'mlflow.user': 'alice' },
      parentRunId: parent.info.runId,
    });
    await client.runs.logBatch(child.info.runId, {
      params: { temperature },
      metrics: [{ key: 'test/accuracy', value: accuracy, timestamp: childTimes.metric, step: 0 }],
    });
    await client.runs.update({ runId: child.info.runId, status: 'FINISHED', endTime: childTimes.end });
    children.push(child);
  }
  await client.runs.update({ runId: parent.info.runId, status: 'FINISHED', endTime: times.parentEnd });
  const search = {
    experimentIds: [experimentId],
    filter: `tags.\`mlflow.parentRunId\` = '${parent.info.runId}'`,
    orderBy: ['metrics.`test/accuracy` DESC'],
  };
  const ordered = await client.runs.search({ ...search, runViewType: 'ACTIVE_ONLY' });
  const paged: Run[] = [];
  for await (const run of client.runs.iterate({ ...search, maxResults: 2 })) paged.push(run);
  return { experimentId, parent, children, ordered, paged };
}
