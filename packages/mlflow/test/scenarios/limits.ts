import type { MlflowClient, Run } from '../../src/index.js';
import { rejectionOf } from './settle.js';

/** Times the limits scenario sends. */
export interface LimitsTimes {
  readonly start: number;
  readonly thousandMetrics: number;
  readonly mixed: number;
}

/** What the limits scenario observed. */
export interface LimitsResult {
  readonly run: Run;
  readonly tooManyParams: unknown;
  readonly tooManyTags: unknown;
  readonly tooManyItems: unknown;
  readonly fetched: Run;
}

const LOG_BATCH = '/api/2.0/mlflow/runs/log-batch';

function numbered(prefix: string, count: number): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));
}

/**
 * The recorded limits scenario. Batches within the limits go through `runs.logBatch`; the over-limit batches and the
 * 6001-character param, which `runs.logBatch` would split or store as an artifact, are sent as recorded through
 * `client.send` to check the server's answers.
 */
export async function driveLimits(client: MlflowClient, experimentName: string, times: LimitsTimes): Promise<LimitsResult> {
  const experimentId = await client.experiments.create({ name: experimentName });
  const run = await client.runs.create({
    experimentId,
    startTime: times.start,
    runName: 'limits-run',
    userId: 'alice',
    tags: { 'mlflow.user': 'alice' },
  });
  const runId = run.info.runId;
  await client.runs.logBatch(runId, {
    metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'm', value: i, timestamp: times.thousandMetrics, step: i })),
  });
  await client.runs.logBatch(runId, {
    params: Object.fromEntries(numbered('p', 100).map(({ key, value }) => [key, value])),
  });
  const tooManyParams = await rejectionOf(
    client.send({ method: 'POST', path: LOG_BATCH, json: { run_id: runId, params: numbered('q', 101) } }),
  );
  const tooManyTags = await rejectionOf(client.send({ method: 'POST', path: LOG_BATCH, json: { run_id: runId, tags: numbered('t', 101) } }));
  const tooManyItems = await rejectionOf(
    client.send({
      method: 'POST',
      path: LOG_BATCH,
      json: {
        run_id: runId,
        metrics: Array.from({ length: 950 }, (_, i) => ({ key: 'm2', value: i, timestamp: times.mixed, step: i })),
        params: numbered('r', 100),
      },
    }),
  );
  await client.send({ method: 'POST', path: LOG_BATCH, json: { run_id: runId, params: [{ key: 'long_param', value: 'a'.repeat(6001) }] } });
  const fetched = await client.runs.get(runId);
  return { run, tooManyParams, tooManyTags, tooManyItems, fetched };
}
