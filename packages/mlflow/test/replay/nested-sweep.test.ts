import { describe, expect, it } from 'vitest';
import { driveNestedSweep } from '../scenarios/nested-sweep.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario } from '../support/recorded-exchanges.js';
import { recordedMetricTime, recordedNumber, requestBodyOf, withReplay } from '../support/with-server.js';

const { exchanges } = loadScenario('nested-sweep');
const experimentName = requestBodyOf(exchanges, 0).name as string;
const child = (create: number) => ({
  start: recordedNumber(exchanges, create, 'start_time'),
  metric: recordedMetricTime(exchanges, create + 1),
  end: recordedNumber(exchanges, create + 2, 'end_time'),
});
const times = {
  parentStart: recordedNumber(exchanges, 1, 'start_time'),
  children: [child(2), child(5), child(8)] as const,
  parentEnd: recordedNumber(exchanges, 11, 'end_time'),
};
const parentRunId = '6e5310e8d58e4176a0feff81ade3ed62';

describe('recorded nested-sweep exchanges (MLflow 2.12.2)', () => {
  it('creates nested runs, searches them ordered, and pages through them with the async iterator', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveNestedSweep(client, experimentName, times);
      expect(result.parent.info.runId).toBe(parentRunId);
      expect(result.children.map((run) => run.data.tags['mlflow.parentRunId'])).toEqual([parentRunId, parentRunId, parentRunId]);
      expect(result.ordered.runs.map((run) => run.info.runName)).toEqual(['sweep-temp-4', 'sweep-temp-8', 'sweep-temp-1']);
      expect(result.ordered.nextPageToken).toBeUndefined();
      expect(result.ordered.runs.map((run) => run.data.params.temperature)).toEqual(['4', '8', '1']);
      expect(result.ordered.runs[0]!.data.metrics).toEqual([
        { key: 'test/accuracy', value: 0.83, timestamp: times.children[1].metric, step: 0 },
      ]);
      expect(result.paged.map((run) => run.info.runName)).toEqual(['sweep-temp-4', 'sweep-temp-8', 'sweep-temp-1']);
      expectRequestsToMatch(server.received, exchanges);
    });
  });

  it('returns the page token of a partial page from search', async () => {
    await withReplay([exchanges[13]!], async (client) => {
      const page = await client.runs.search({
        experimentIds: ['3'],
        filter: `tags.\`mlflow.parentRunId\` = '${parentRunId}'`,
        orderBy: ['metrics.`test/accuracy` DESC'],
        maxResults: 2,
      });
      expect(page.runs).toHaveLength(2);
      expect(page.nextPageToken).toBe('eyJvZmZzZXQiOiAyfQ==');
    });
  });
});
