import { describe, expect, it } from 'vitest';
import { driveRunLifecycle } from '../scenarios/run-lifecycle.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario, withHistoryPageSize } from '../support/recorded-exchanges.js';
import { recordedMetricTime, recordedNumber, requestBodyOf, withReplay } from '../support/with-server.js';

const { exchanges } = loadScenario('run-lifecycle');
const experimentName = requestBodyOf(exchanges, 0).name as string;
const runId = '38775c3ec3d94a2093d55da121986a7e';
const times = {
  start: recordedNumber(exchanges, 1, 'start_time'),
  step0: recordedMetricTime(exchanges, 2, 0),
  step1: recordedMetricTime(exchanges, 2, 3),
  step2: recordedNumber(exchanges, 3, 'timestamp'),
  end: recordedNumber(exchanges, 5, 'end_time'),
};

describe('recorded run-lifecycle exchanges (MLflow 2.12.2)', () => {
  it('sends exactly the recorded requests and reads every answer', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveRunLifecycle(client, experimentName, times);
      expect(result.experimentId).toBe('2');
      expect(result.created.info).toEqual({
        runId,
        experimentId: '2',
        runName: 'train-run',
        userId: 'alice',
        status: 'RUNNING',
        startTime: times.start,
        endTime: undefined,
        artifactUri: `mlflow-artifacts:/2/${runId}/artifacts`,
        lifecycleStage: 'active',
      });
      expect(result.created.data).toEqual({
        metrics: [],
        params: {},
        tags: { 'mlflow.source.name': 'train.ts', 'mlflow.source.type': 'LOCAL', 'mlflow.user': 'alice', 'mlflow.runName': 'train-run' },
      });
      expect(result.finished).toMatchObject({ runId, status: 'FINISHED', endTime: times.end });
      expect(result.fetched.info.status).toBe('FINISHED');
      expect(result.fetched.data.metrics).toEqual([
        { key: 'loss', value: 0.45, timestamp: times.step2, step: 2 },
        { key: 'accuracy', value: 0.72, timestamp: times.step1, step: 1 },
        { key: 'lr', value: 0.005, timestamp: times.step1, step: 1 },
      ]);
      expect(result.fetched.data.params).toEqual({ temperature: '4', batch_size: '32', model: 'tiny-gpt' });
      expect(result.fetched.data.tags.phase).toBe('eval');
      expect(result.lossHistory.map((metric) => [metric.step, metric.value])).toEqual([
        [0, 0.9],
        [1, 0.6],
        [2, 0.45],
      ]);
      expectRequestsToMatch(server.received, withHistoryPageSize(exchanges));
    });
  });

  it('sorts a metric history the server returns out of order by step, then timestamp', async () => {
    const history = exchanges[7]!;
    const shuffled = {
      ...history,
      response: { ...history.response, body: { metrics: [...(history.response.body as { metrics: unknown[] }).metrics].reverse() } },
    };
    await withReplay([shuffled], async (client) => {
      const metrics = await client.runs.getMetricHistory(runId, 'loss');
      expect(metrics.map((metric) => metric.step)).toEqual([0, 1, 2]);
    });
  });
});
