import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InvalidParameterValueError,
  MlflowHttpError,
  MlflowValidationError,
  ResourceDoesNotExistError,
} from '../../src/index.js';
import { driveErrors } from '../scenarios/errors.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario, withHistoryPageSize } from '../support/recorded-exchanges.js';
import { recordedMetricTime, recordedNumber, requestBodyOf, withReplay } from '../support/with-server.js';

const { exchanges } = loadScenario('errors');
const experimentName = requestBodyOf(exchanges, 0).name as string;
const runId = 'd8eda77bc7d544ae8f56c6d0f9a29142';
const rawTime = (index: number): number => JSON.parse(exchanges[index]!.request.body as string).timestamp as number;
const times = {
  start: recordedNumber(exchanges, 1, 'start_time'),
  unknownRunMetric: recordedMetricTime(exchanges, 7),
  tooManyMetrics: recordedMetricTime(exchanges, 8),
  badKey: recordedNumber(exchanges, 9, 'timestamp'),
  pathLikeKey: recordedNumber(exchanges, 10, 'timestamp'),
  noContentType: recordedNumber(exchanges, 11, 'timestamp'),
  textPlain: rawTime(12),
  orphanStart: recordedNumber(exchanges, 15, 'start_time'),
  duplicate: recordedMetricTime(exchanges, 16),
  duplicateNaN: recordedMetricTime(exchanges, 19),
  nan: recordedNumber(exchanges, 21, 'timestamp'),
  infinity: recordedNumber(exchanges, 22, 'timestamp'),
  negativeInfinity: recordedNumber(exchanges, 23, 'timestamp'),
};

describe('recorded errors exchanges (MLflow 2.12.2)', () => {
  it('sends exactly the recorded requests and turns every error answer into the right typed error', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveErrors(client, experimentName, times);
      const invalid = { status: 400, errorCode: 'INVALID_PARAMETER_VALUE' };
      for (const error of [result.changedParam, result.changedBatchParam, result.tooManyMetrics, result.badKey, result.pathLikeKey]) {
        expect(error).toBeInstanceOf(InvalidParameterValueError);
        expect(error).toMatchObject(invalid);
      }
      expect(result.changedParam).toMatchObject({ endpoint: '/api/2.0/mlflow/runs/log-parameter' });
      expect(result.changedBatchParam).toMatchObject({ endpoint: '/api/2.0/mlflow/runs/log-batch' });
      expect(result.noContentType).toBeInstanceOf(InvalidParameterValueError);
      expect((result.noContentType as Error).message).toContain('Content-Type header is missing');
      expect(result.textPlain).toBeInstanceOf(InvalidParameterValueError);
      for (const error of [result.unknownRun, result.unknownRunBatch, result.unknownExperiment]) {
        expect(error).toBeInstanceOf(ResourceDoesNotExistError);
        expect(error).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', attempts: 1 });
      }
      expect(result.wrongMethod).toBeInstanceOf(MlflowHttpError);
      expect(result.wrongMethod).toMatchObject({
        status: 405,
        contentType: 'text/html; charset=utf-8',
        excerpt: '405 Method Not Allowed Method Not Allowed The method is not allowed for the requested URL.',
        method: 'GET',
        endpoint: '/api/2.0/mlflow/runs/create',
      });
      expect(result.unknownPath).toBeInstanceOf(MlflowHttpError);
      expect(result.unknownPath).toMatchObject({ status: 404 });
      expect((result.unknownPath as MlflowHttpError).excerpt).toMatch(/^404 Not Found Not Found The requested URL was not found/);
      expect((result.unknownPath as MlflowHttpError).excerpt.length).toBeLessThanOrEqual(200);
      expect(result.duplicateHistory).toEqual([{ key: 'dup_metric', value: 0.5, timestamp: times.duplicate, step: 3 }]);
      expect(result.duplicateNaN).toBeInstanceOf(BadRequestError);
      expect(result.duplicateNaN).toMatchObject({ status: 400, errorCode: 'BAD_REQUEST' });
      const values = Object.fromEntries(result.fetched.data.metrics.map((metric) => [metric.key, metric.value]));
      expect(values).toEqual({
        dup_metric: 0.5,
        dup_nan_metric: NaN,
        nan_metric: NaN,
        inf_metric: Infinity,
        neg_inf_metric: -Infinity,
      });
      expect(result.nanHistory).toEqual([{ key: 'nan_metric', value: NaN, timestamp: times.nan, step: 0 }]);
      expect(result.unquotedParamFilter).toBeInstanceOf(InvalidParameterValueError);
      expect(result.doubleEquals).toBeInstanceOf(InvalidParameterValueError);
      expect(result.run.info.runId).toBe(runId);
      expectRequestsToMatch(server.received, withHistoryPageSize(exchanges));
    });
  });

  it('refuses a bad or path-like key before sending anything (the recorded 400s are never provoked)', async () => {
    await withReplay([], async (client, server) => {
      for (const key of ['bad:key', 'a//b', '/abs', '../up', 'trailing/', './dot', '', 'k'.repeat(251)]) {
        await expect(client.runs.logMetric(runId, { key, value: 1 })).rejects.toBeInstanceOf(MlflowValidationError);
      }
      await expect(client.runs.logBatch(runId, { params: { 'a//b': 1 } })).rejects.toThrow(/params\.a\/\/b.*path-like.*'a\/b'/);
      await expect(client.runs.setTag(runId, 'x:y', 'v')).rejects.toThrow(/tags\.x:y/);
      expect(server.received).toHaveLength(0);
    });
  });

  it('can keep ±1.7976931348623157e308 as stored instead of reading it as ±Infinity', async () => {
    await withReplay([exchanges[24]!], async (client) => {
      const run = await client.runs.get(runId);
      const values = Object.fromEntries(run.data.metrics.map((metric) => [metric.key, metric.value]));
      expect(values.inf_metric).toBe(1.7976931348623157e308);
      expect(values.neg_inf_metric).toBe(-1.7976931348623157e308);
    }, { readMaxFloatAsInfinity: false });
  });
});
