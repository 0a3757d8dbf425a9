import { describe, expect, it } from 'vitest';
import { MlflowResponseError } from '../../src/index.js';
import { driveMlflow3RunLifecycle } from '../scenarios/mlflow3-run-lifecycle.js';
import { rejectionOf } from '../scenarios/settle.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { jsonReply } from '../support/loopback-server.js';
import { loadMlflow3Scenario, type RecordedExchange } from '../support/recorded-exchanges.js';
import { recordedMetricTime, recordedNumber, requestBodyOf, withHandler, withMatchingReplay, withReplay } from '../support/with-server.js';

const { exchanges } = loadMlflow3Scenario('run-lifecycle');
const experimentName = requestBodyOf(exchanges, 1).name as string;
const runId = '1a0eff5e79724b9cb2957d011a70ec4e';
const times = {
  start: recordedNumber(exchanges, 2, 'start_time'),
  step0: recordedMetricTime(exchanges, 3, 0),
  step1: recordedMetricTime(exchanges, 3, 1),
  step2: recordedMetricTime(exchanges, 3, 2),
  end: recordedNumber(exchanges, 4, 'end_time'),
};
const points = [
  { key: 'val/accuracy', value: 0.5, timestamp: times.step0, step: 0 },
  { key: 'val/accuracy', value: 0.6, timestamp: times.step1, step: 1 },
  { key: 'val/accuracy', value: 0.7, timestamp: times.step2, step: 2 },
];

/** Exchange `index` with `user_id` added to its JSON request body: the client always sends it, the recording's script did not. */
function withUserId(index: number): RecordedExchange {
  const exchange = exchanges[index]!;
  return { ...exchange, request: { ...exchange.request, body: { ...requestBodyOf(exchanges, index), user_id: 'tester' } } };
}

/**
 * The recorded exchanges today's client sends, in order. Exchanges 6 and 7 are left out: they are what a client that
 * omits `max_results` on `metrics/get-history` sent (an empty answer with a page token, then 400 on that token).
 */
const sentByTheClient: RecordedExchange[] = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12].map((index) => (index === 2 ? withUserId(2) : exchanges[index]!));

describe('recorded run-lifecycle exchanges (MLflow 3.6)', () => {
  it('sends the recorded requests (max_results on every metrics/get-history page) and reads every answer, 3.x fields included', async () => {
    await withReplay(sentByTheClient, async (client, server) => {
      const result = await driveMlflow3RunLifecycle(client, experimentName, times);
      expect(result.version).toBe('3.6.1.dev0');
      expect(result.experimentId).toBe('1');
      expect(result.created.info).toEqual({
        runId,
        experimentId: '1',
        runName: 'train-run',
        userId: '',
        status: 'RUNNING',
        startTime: times.start,
        endTime: undefined,
        artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`,
        lifecycleStage: 'active',
      });
      expect(result.finished).toMatchObject({ runId, status: 'FINISHED', endTime: times.end });
      expect(result.fetched).toEqual({
        info: { ...result.created.info, status: 'FINISHED', endTime: times.end },
        data: {
          metrics: [points[2]],
          params: { 'losses.1.temperature': '4' },
          tags: { 'kdlab.role': 'distilled', 'mlflow.runName': 'train-run', 'kdlab.backend': 'wasm' },
        },
      });
      expect(result.history).toEqual(points);
      expect(result.pagedHistory).toEqual(points);
      expect(result.searched).toEqual({ runs: [result.fetched], nextPageToken: undefined });
      expect(result.experiments).toEqual([
        {
          experimentId: '1',
          name: experimentName,
          artifactLocation: 'mlflow-artifacts:/1',
          lifecycleStage: 'active',
          creationTime: 1796539763057,
          lastUpdateTime: 1796539763057,
          tags: {},
        },
      ]);
      expectRequestsToMatch(server.received, sentByTheClient);
    });
  });

  it('reads a whole metric history from a server that answers a request without max_results with a page token only (mlflow/mlflow#23916)', async () => {
    // The matching server answers as MLflow 3.6 did to each request: without max_results, no metrics and a token
    // (exchange 6); that token, 400 INVALID_PARAMETER_VALUE (exchange 7); with max_results=25000, every point (8).
    await withMatchingReplay(exchanges.slice(6, 9), async (client, server) => {
      expect(await client.runs.getMetricHistory(runId, 'val/accuracy')).toEqual(points);
      expect(server.received.map((request) => request.query)).toEqual([{ run_id: runId, metric_key: 'val/accuracy', max_results: '25000' }]);
    });
  });

  it('follows next_page_token until it is absent, sending max_results with every page', async () => {
    await withMatchingReplay(exchanges.slice(6, 11), async (client, server) => {
      expect(await client.runs.getMetricHistory(runId, 'val/accuracy', { pageSize: 2 })).toEqual(points);
      expect(server.received.map((request) => request.query)).toEqual([
        { run_id: runId, metric_key: 'val/accuracy', max_results: '2' },
        { run_id: runId, metric_key: 'val/accuracy', max_results: '2', page_token: 'eyJvZmZzZXQiOiAyfQ==' },
      ]);
    });
  });

  it('fails, naming the endpoint, instead of looping on a server that hands back a page token it already gave', async () => {
    await withHandler(
      () => jsonReply(200, { next_page_token: 'eyJvZmZzZXQiOiAwfQ==' }),
      async (client, server) => {
        const error = await rejectionOf(client.runs.getMetricHistory(runId, 'val/accuracy'));
        expect(error).toBeInstanceOf(MlflowResponseError);
        expect((error as Error).message).toMatch(/metrics\/get-history: next_page_token/);
        expect(server.received).toHaveLength(2);
      },
    );
  });
});
