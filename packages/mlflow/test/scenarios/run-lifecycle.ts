import type { Metric, MlflowClient, Run, RunInfo } from '../../src/index.js';

/** Times the run-lifecycle scenario sends (ms since the epoch). */
export interface RunLifecycleTimes {
  readonly start: number;
  readonly step0: number;
  readonly step1: number;
  readonly step2: number;
  readonly end: number;
}

/** What the run-lifecycle scenario observed. */
export interface RunLifecycleResult {
  readonly experimentId: string;
  readonly created: Run;
  readonly finished: RunInfo;
  readonly fetched: Run;
  readonly lossHistory: readonly Metric[];
}

/** The recorded run-lifecycle scenario: create, log-batch, log-metric, set-tag, finish, get, history. */
export async function driveRunLifecycle(
  client: MlflowClient,
  experimentName: string,
  times: RunLifecycleTimes,
): Promise<RunLifecycleResult> {
  const experimentId = await client.experiments.create({ name: experimentName });
  const created = await client.runs.create({
    experimentId,
    startTime: times.start,
    runName: 'train-run',
    userId: 'alice',
    tags: { 'mlflow.source.name': 'train.ts', 'mlflow.source.type': 'LOCAL', 'mlflow.user': 'alice' },
  });
  const runId = created.info.runId;
  await client.runs.logBatch(runId, {
    metrics: [
      { key: 'loss', value: 0.9, timestamp: times.step0, step: 0 },
      { key: 'accuracy', value: 0.55, timestamp: times.step0, step: 0 },
      { key: 'lr', value: 0.01, timestamp: times.step0, step: 0 },
      { key: 'loss', value: 0.6, timestamp: times.step1, step: 1 },
      { key: 'accuracy', value: 0.72, timestamp: times.step1, step: 1 },
      { key: 'lr', value: 0.005, timestamp: times.step1, step: 1 },
    ],
    params: { temperature: 4, batch_size: 32, model: 'tiny-gpt' },
    tags: { phase: 'train' },
  });
  await client.runs.logMetric(runId, { key: 'loss', value: 0.45, timestamp: times.step2, step: 2 });
  await client.runs.setTag(runId, 'phase', 'eval');
  const finished = await client.runs.update({ runId, status: 'FINISHED', endTime: times.end });
  const fetched = await client.runs.get(runId);
  const lossHistory = await client.runs.getMetricHistory(runId, 'loss');
  return { experimentId, created, finished, fetched, lossHistory };
}
