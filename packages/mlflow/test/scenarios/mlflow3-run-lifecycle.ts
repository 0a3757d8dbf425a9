import type { Experiment, Metric, MlflowClient, Run, RunInfo, RunsPage } from '../../src/index.js';

/** Times the MLflow 3.6 run-lifecycle scenario sends (ms since the epoch). */
export interface Mlflow3RunLifecycleTimes {
  readonly start: number;
  readonly step0: number;
  readonly step1: number;
  readonly step2: number;
  readonly end: number;
}

/** What the MLflow 3.6 run-lifecycle scenario observed. */
export interface Mlflow3RunLifecycleResult {
  readonly version: string;
  readonly experimentId: string;
  readonly created: Run;
  readonly finished: RunInfo;
  readonly fetched: Run;
  readonly history: readonly Metric[];
  readonly pagedHistory: readonly Metric[];
  readonly searched: RunsPage;
  readonly experiments: readonly Experiment[];
}

/**
 * The recorded MLflow 3.6 run-lifecycle scenario as the client drives it: version, create the experiment and a run,
 * log-batch, finish, get, the metric history (once in one page, once in pages of 2), search runs and experiments.
 */
export async function driveMlflow3RunLifecycle(
  client: MlflowClient,
  experimentName: string,
  times: Mlflow3RunLifecycleTimes,
): Promise<Mlflow3RunLifecycleResult> {
  const version = await client.version();
  const experimentId = await client.experiments.create({ name: experimentName });
  const created = await client.runs.create({ experimentId, startTime: times.start, runName: 'train-run', tags: { 'kdlab.role': 'distilled' } });
  const runId = created.info.runId;
  await client.runs.logBatch(runId, {
    metrics: [
      { key: 'val/accuracy', value: 0.5, timestamp: times.step0, step: 0 },
      { key: 'val/accuracy', value: 0.6, timestamp: times.step1, step: 1 },
      { key: 'val/accuracy', value: 0.7, timestamp: times.step2, step: 2 },
    ],
    params: { 'losses.1.temperature': '4' },
    tags: { 'kdlab.backend': 'wasm' },
  });
  const finished = await client.runs.update({ runId, status: 'FINISHED', endTime: times.end });
  const fetched = await client.runs.get(runId);
  const history = await client.runs.getMetricHistory(runId, 'val/accuracy');
  const pagedHistory = await client.runs.getMetricHistory(runId, 'val/accuracy', { pageSize: 2 });
  const searched = await client.runs.search({ experimentIds: [experimentId], maxResults: 10 });
  const experiments = (await client.experiments.search({ maxResults: 10, filter: `name = '${experimentName}'` })).experiments;
  return { version, experimentId, created, finished, fetched, history, pagedHistory, searched, experiments };
}
