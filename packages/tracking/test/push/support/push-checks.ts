import type { MlrunsRunRecord } from '@kdlab/tracking';
import { RUN_ID_TAGS, SOURCE_RUN_TAG } from '../../../src/push/index.js';
import type { FakeMlflowServer, StoredRun } from '../../remote/support/fake-mlflow-server.js';

/** The server's copy of a local run, found by its `kdlab.source_run_id` tag. */
export function copyOf(server: FakeMlflowServer, localRunId: string): StoredRun | undefined {
  return [...server.runs.values()].find((run) => run.tags.get(SOURCE_RUN_TAG) === localRunId);
}

/** How many copies of a local run the server holds. */
export function copiesOf(server: FakeMlflowServer, localRunId: string): number {
  return [...server.runs.values()].filter((run) => run.tags.get(SOURCE_RUN_TAG) === localRunId).length;
}

type Points = Record<string, { step: number; value: number; timestamp: number }[]>;

function sortedPoints(points: Points): Points {
  return Object.fromEntries(
    Object.entries(points)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, values]) => [key, [...values].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)]),
  );
}

/** What a run is, whichever store holds it, with the ids of other runs turned into local ids. */
export interface RunView {
  name: string;
  userId: string;
  status: string;
  startTime: number;
  endTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Points;
}

/** A local run as a {@link RunView}. */
export function localView(run: MlrunsRunRecord): RunView {
  return {
    name: run.info.runName,
    userId: run.info.userId,
    status: run.info.status,
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    params: run.params,
    tags: run.tags,
    metrics: sortedPoints(Object.fromEntries(Object.entries(run.metrics).map(([key, points]) => [key, points.map(({ step, value, timestamp }) => ({ step, value, timestamp }))]))),
  };
}

/**
 * A server run as a {@link RunView}: its run-id tags mapped back to local ids (through each
 * server run's `kdlab.source_run_id`) and that tag itself left out.
 */
export function serverView(server: FakeMlflowServer, run: StoredRun): RunView {
  const localIdOf = (serverRunId: string): string => server.runs.get(serverRunId)?.tags.get(SOURCE_RUN_TAG) ?? `unknown server run ${serverRunId}`;
  const tags = Object.fromEntries([...run.tags].filter(([key]) => key !== SOURCE_RUN_TAG));
  for (const [tag, shape] of Object.entries(RUN_ID_TAGS)) {
    const value = tags[tag];
    if (value === undefined) continue;
    tags[tag] = shape === 'one' ? (server.runs.has(value) ? localIdOf(value) : value) : value.split(',').map((id) => (server.runs.has(id) ? localIdOf(id) : id)).join(',');
  }
  const metrics: Points = {};
  for (const metric of run.metrics) (metrics[metric.key] ??= []).push({ step: metric.step, value: metric.value, timestamp: metric.timestamp });
  return {
    name: run.info.run_name,
    userId: run.info.user_id,
    status: run.info.status,
    startTime: run.info.start_time,
    endTime: run.info.end_time ?? null,
    params: Object.fromEntries(run.params),
    tags,
    metrics: sortedPoints(metrics),
  };
}
