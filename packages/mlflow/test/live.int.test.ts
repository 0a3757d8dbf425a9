import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InvalidParameterValueError,
  MlflowClient,
  MlflowHttpError,
  parseLongParamMarker,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
} from '../src/index.js';
import { CONFIG_JSON, driveArtifacts, WEIGHTS } from './scenarios/artifacts.js';
import { driveErrors } from './scenarios/errors.js';
import { driveExperimentLifecycle } from './scenarios/experiment-lifecycle.js';
import { driveLimits } from './scenarios/limits.js';
import { driveNestedSweep } from './scenarios/nested-sweep.js';
import { driveRunLifecycle } from './scenarios/run-lifecycle.js';

const trackingUri = process.env.MLFLOW_TRACKING_URI;
if (trackingUri === undefined || trackingUri === '') {
  console.info('[@kdlab/mlflow] live suite skipped: set MLFLOW_TRACKING_URI to a disposable MLflow server (started with --serve-artifacts) to run it');
}

/** Times a scenario sends: distinct, increasing, close to now. */
function clock(): () => number {
  let time = Date.now();
  return () => (time += 7);
}

describe.skipIf(trackingUri === undefined || trackingUri === '')('live MLflow server at MLFLOW_TRACKING_URI', () => {
  let client: MlflowClient;
  beforeAll(() => {
    client = new MlflowClient({ retry: { maxAttempts: 3, initialDelayMs: 50 } });
  });
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const name = (scenario: string) => `kdlab-live-${scenario}-${suffix}`;
  afterAll(() => client?.close());

  it('answers /health and /version', async () => {
    expect(await client.health()).toBe('OK');
    expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('experiment lifecycle, and get-or-create racing itself', async () => {
    const result = await driveExperimentLifecycle(client, name('experiment-lifecycle'));
    expect(result.missing).toBeInstanceOf(ResourceDoesNotExistError);
    expect(result.duplicate).toBeInstanceOf(ResourceAlreadyExistsError);
    expect(result.found).toMatchObject({ experimentId: result.experimentId, lifecycleStage: 'active', tags: { team: 'ts', purpose: 'fixtures' } });
    expect(result.searched.experiments.map((experiment) => experiment.experimentId)).toEqual([result.experimentId]);
    const racers = await Promise.all([1, 2, 3, 4].map(() => client.experiments.getOrCreate(name('race'))));
    expect(new Set(racers.map((experiment) => experiment.experimentId)).size).toBe(1);
  });

  it('run lifecycle', async () => {
    const tick = clock();
    const times = { start: tick(), step0: tick(), step1: tick(), step2: tick(), end: tick() };
    const result = await driveRunLifecycle(client, name('run-lifecycle'), times);
    expect(result.finished).toMatchObject({ status: 'FINISHED', endTime: times.end, startTime: times.start, userId: 'alice' });
    expect(result.fetched.data.params).toEqual({ temperature: '4', batch_size: '32', model: 'tiny-gpt' });
    expect(result.fetched.data.tags).toMatchObject({ phase: 'eval', 'mlflow.runName': 'train-run', 'mlflow.user': 'alice' });
    expect(result.lossHistory.map((metric) => [metric.step, metric.value, metric.timestamp])).toEqual([
      [0, 0.9, times.step0],
      [1, 0.6, times.step1],
      [2, 0.45, times.step2],
    ]);
  });

  it('nested sweep: search with a parent filter, ordering and paging', async () => {
    const tick = clock();
    const child = () => ({ start: tick(), metric: tick(), end: tick() });
    const result = await driveNestedSweep(client, name('nested-sweep'), {
      parentStart: tick(),
      children: [child(), child(), child()],
      parentEnd: tick(),
    });
    expect(result.ordered.runs.map((run) => run.info.runName)).toEqual(['sweep-temp-4', 'sweep-temp-8', 'sweep-temp-1']);
    expect(result.paged.map((run) => run.info.runId)).toEqual(result.ordered.runs.map((run) => run.info.runId));
  });

  it('errors: typed errors for every recorded failure, and a re-sent NaN metric that succeeds', async () => {
    const tick = clock();
    const times = {
      start: tick(), unknownRunMetric: tick(), tooManyMetrics: tick(), badKey: tick(), pathLikeKey: tick(), noContentType: tick(),
      textPlain: tick(), orphanStart: tick(), duplicate: tick(), duplicateNaN: tick(), nan: tick(), infinity: tick(), negativeInfinity: tick(),
    };
    const result = await driveErrors(client, name('errors'), times);
    for (const error of [result.changedParam, result.changedBatchParam, result.tooManyMetrics, result.badKey, result.pathLikeKey, result.noContentType, result.textPlain, result.unquotedParamFilter, result.doubleEquals]) {
      expect(error).toBeInstanceOf(InvalidParameterValueError);
    }
    for (const error of [result.unknownRun, result.unknownRunBatch, result.unknownExperiment]) expect(error).toBeInstanceOf(ResourceDoesNotExistError);
    expect(result.wrongMethod).toMatchObject({ status: 405 });
    expect(result.wrongMethod).toBeInstanceOf(MlflowHttpError);
    expect(result.unknownPath).toMatchObject({ status: 404 });
    expect(result.unknownPath).toBeInstanceOf(MlflowHttpError);
    expect(result.duplicateHistory).toHaveLength(1);
    expect(result.duplicateNaN).toBeInstanceOf(BadRequestError);
    const values = Object.fromEntries(result.fetched.data.metrics.map((metric) => [metric.key, metric.value]));
    expect(values).toMatchObject({ nan_metric: NaN, inf_metric: Infinity, neg_inf_metric: -Infinity });
    const runId = result.run.info.runId;
    const nan = { key: 'dup_nan_metric', value: NaN, timestamp: times.duplicateNaN, step: 0 };
    await client.runs.logBatch(runId, { metrics: [nan, { key: 'after_nan', value: 1, timestamp: tick(), step: 0 }] });
    await client.runs.logMetric(runId, nan);
    expect(await client.runs.getMetricHistory(runId, 'dup_nan_metric')).toHaveLength(1);
    expect(await client.runs.getMetricHistory(runId, 'after_nan')).toHaveLength(1);
  });

  it('artifacts through the proxy', async () => {
    const result = await driveArtifacts(client, name('artifacts'), Date.now());
    expect(result.proxyRoot).toEqual([
      { path: 'config', isDir: true, fileSize: undefined },
      { path: 'weights.bin', isDir: false, fileSize: 8 },
    ]);
    expect(result.listedConfig.files).toEqual([{ path: 'config/cfg.json', isDir: false, fileSize: CONFIG_JSON.length }]);
    expect(new TextDecoder().decode(result.configBytes)).toBe(CONFIG_JSON);
    expect(result.weightsBytes).toEqual(WEIGHTS);
  });

  it('limits: the server refuses over-limit batches, the client splits them and keeps long params whole', async () => {
    const tick = clock();
    const result = await driveLimits(client, name('limits'), { start: tick(), thousandMetrics: tick(), mixed: tick() });
    for (const error of [result.tooManyParams, result.tooManyTags, result.tooManyItems]) expect(error).toBeInstanceOf(InvalidParameterValueError);
    expect(result.fetched.data.params.long_param).toBe('a'.repeat(6000));
    const runId = result.run.info.runId;
    const numbered = (prefix: string, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, String(i)]));
    const mixedTime = tick();
    await client.runs.logBatch(runId, { params: numbered('q', 101), tags: numbered('t', 101) });
    await client.runs.logBatch(runId, {
      params: numbered('r', 100),
      metrics: Array.from({ length: 1951 }, (_, i) => ({ key: 'm2', value: i, timestamp: mixedTime, step: i })),
    });
    const full = 'b'.repeat(4000) + 'c'.repeat(4000);
    await client.runs.logBatch(runId, { params: { 'config/full text': full } });
    const run = await client.runs.get(runId);
    expect(Object.keys(run.data.params).filter((key) => /^[qr]\d+$/.test(key))).toHaveLength(201);
    expect(Object.keys(run.data.tags).filter((key) => /^t\d+$/.test(key))).toHaveLength(101);
    expect(await client.runs.getMetricHistory(runId, 'm2')).toHaveLength(1951);
    expect(parseLongParamMarker(run.data.params['config/full text']!)).toEqual({
      fullLength: 8000,
      artifactPath: 'mlflow-long-params/config/full text.txt',
    });
    expect(await client.runs.getParamValue(run, 'config/full text')).toBe(full);
  });
});
