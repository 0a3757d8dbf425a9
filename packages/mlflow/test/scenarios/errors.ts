import type { Metric, MlflowClient, Run } from '../../src/index.js';
import { rejectionOf } from './settle.js';

/** A run id that exists nowhere. */
export const UNKNOWN_RUN_ID = 'deadbeefdeadbeefdeadbeefdeadbeef';

/** Times the errors scenario sends. */
export interface ErrorsTimes {
  readonly start: number;
  readonly unknownRunMetric: number;
  readonly tooManyMetrics: number;
  readonly badKey: number;
  readonly pathLikeKey: number;
  readonly noContentType: number;
  readonly textPlain: number;
  readonly orphanStart: number;
  readonly duplicate: number;
  readonly duplicateNaN: number;
  readonly nan: number;
  readonly infinity: number;
  readonly negativeInfinity: number;
}

/** What the errors scenario observed: every rejection, plus what was read back. */
export interface ErrorsResult {
  readonly run: Run;
  readonly changedParam: unknown;
  readonly changedBatchParam: unknown;
  readonly unknownRun: unknown;
  readonly unknownRunBatch: unknown;
  readonly tooManyMetrics: unknown;
  readonly badKey: unknown;
  readonly pathLikeKey: unknown;
  readonly noContentType: unknown;
  readonly textPlain: unknown;
  readonly wrongMethod: unknown;
  readonly unknownPath: unknown;
  readonly unknownExperiment: unknown;
  readonly duplicateHistory: readonly Metric[];
  readonly duplicateNaN: unknown;
  readonly fetched: Run;
  readonly nanHistory: readonly Metric[];
  readonly unquotedParamFilter: unknown;
  readonly doubleEquals: unknown;
}

const LOG_BATCH = '/api/2.0/mlflow/runs/log-batch';
const LOG_METRIC = '/api/2.0/mlflow/runs/log-metric';

/**
 * The recorded errors scenario. What the client refuses to send on its own (over-limit batches, bad keys, a missing
 * or wrong Content-Type, a wrong method, a re-sent NaN) is sent as recorded through `client.send`, so that the
 * server's answers to them can be checked.
 */
export async function driveErrors(client: MlflowClient, experimentName: string, times: ErrorsTimes): Promise<ErrorsResult> {
  const experimentId = await client.experiments.create({ name: experimentName });
  const run = await client.runs.create({
    experimentId,
    startTime: times.start,
    runName: 'errors-run',
    userId: 'alice',
    tags: { 'mlflow.user': 'alice' },
  });
  const runId = run.info.runId;
  await client.runs.logParam(runId, 'batch_size', '32');
  const changedParam = await rejectionOf(client.runs.logParam(runId, 'batch_size', '64'));
  await client.runs.logBatch(runId, { params: { temperature: '4' } });
  const changedBatchParam = await rejectionOf(client.runs.logBatch(runId, { params: { temperature: '5' } }));
  const unknownRun = await rejectionOf(client.runs.get(UNKNOWN_RUN_ID));
  const unknownRunBatch = await rejectionOf(
    client.runs.logBatch(UNKNOWN_RUN_ID, { metrics: [{ key: 'loss', value: 1, timestamp: times.unknownRunMetric, step: 0 }] }),
  );
  const tooManyMetrics = await rejectionOf(
    client.send({
      method: 'POST',
      path: LOG_BATCH,
      json: {
        run_id: runId,
        metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: times.tooManyMetrics, step: i })),
      },
    }),
  );
  const logMetricJson = (key: string, timestamp: number) => ({ run_id: runId, key, value: 1, timestamp, step: 0 });
  const badKey = await rejectionOf(client.send({ method: 'POST', path: LOG_METRIC, json: logMetricJson('bad:key', times.badKey) }));
  const pathLikeKey = await rejectionOf(
    client.send({ method: 'POST', path: LOG_METRIC, json: logMetricJson('a//b', times.pathLikeKey) }),
  );
  const noContentType = await rejectionOf(
    client.send({ method: 'POST', path: LOG_METRIC, body: JSON.stringify(logMetricJson('loss', times.noContentType)) }),
  );
  const textPlain = await rejectionOf(
    client.send({
      method: 'POST',
      path: LOG_METRIC,
      body: JSON.stringify(logMetricJson('loss', times.textPlain)),
      contentType: 'text/plain;charset=UTF-8',
    }),
  );
  const wrongMethod = await rejectionOf(client.send({ method: 'GET', path: '/api/2.0/mlflow/runs/create' }));
  const unknownPath = await rejectionOf(client.send({ method: 'GET', path: '/api/2.0/mlflow/runs/no-such-endpoint' }));
  const unknownExperiment = await rejectionOf(
    client.runs.create({ experimentId: '999999', startTime: times.orphanStart, runName: 'orphan', userId: 'alice' }),
  );
  const duplicate = { key: 'dup_metric', value: 0.5, timestamp: times.duplicate, step: 3 };
  await client.runs.logBatch(runId, { metrics: [duplicate] });
  await client.runs.logBatch(runId, { metrics: [duplicate] });
  const duplicateHistory = await client.runs.getMetricHistory(runId, 'dup_metric');
  await client.runs.logBatch(runId, { metrics: [{ key: 'dup_nan_metric', value: NaN, timestamp: times.duplicateNaN, step: 0 }] });
  const duplicateNaN = await rejectionOf(
    client.send({
      method: 'POST',
      path: LOG_BATCH,
      json: { run_id: runId, metrics: [{ key: 'dup_nan_metric', value: 'NaN', timestamp: times.duplicateNaN, step: 0 }] },
    }),
  );
  await client.runs.logMetric(runId, { key: 'nan_metric', value: NaN, timestamp: times.nan, step: 0 });
  await client.runs.logMetric(runId, { key: 'inf_metric', value: Infinity, timestamp: times.infinity, step: 0 });
  await client.runs.logMetric(runId, { key: 'neg_inf_metric', value: -Infinity, timestamp: times.negativeInfinity, step: 0 });
  const fetched = await client.runs.get(runId);
  const nanHistory = await client.runs.getMetricHistory(runId, 'nan_metric');
  const unquotedParamFilter = await rejectionOf(
    client.runs.search({ experimentIds: [experimentId], filter: 'params.temperature = 4' }),
  );
  const doubleEquals = await rejectionOf(client.runs.search({ experimentIds: [experimentId], filter: "params.temperature == '4'" }));
  return {
    run,
    changedParam,
    changedBatchParam,
    unknownRun,
    unknownRunBatch,
    tooManyMetrics,
    badKey,
    pathLikeKey,
    noContentType,
    textPlain,
    wrongMethod,
    unknownPath,
    unknownExperiment,
    duplicateHistory,
    duplicateNaN,
    fetched,
    nanHistory,
    unquotedParamFilter,
    doubleEquals,
  };
}
