import { describe, expect, it } from 'vitest';
import { InvalidParameterValueError } from '../../src/index.js';
import { driveLimits } from '../scenarios/limits.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario } from '../support/recorded-exchanges.js';
import { recordedMetricTime, recordedNumber, requestBodyOf, withReplay } from '../support/with-server.js';

const { exchanges } = loadScenario('limits');
const experimentName = requestBodyOf(exchanges, 0).name as string;

describe('recorded limits exchanges (MLflow 2.12.2)', () => {
  it('sends in-limit batches whole, and reads the over-limit 400s and the silently truncated param', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveLimits(client, experimentName, {
        start: recordedNumber(exchanges, 1, 'start_time'),
        thousandMetrics: recordedMetricTime(exchanges, 2),
        mixed: recordedMetricTime(exchanges, 6),
      });
      for (const [error, count] of [
        [result.tooManyParams, '101 params'],
        [result.tooManyTags, '101 tags'],
        [result.tooManyItems, '1050 metrics, params, and tags'],
      ] as const) {
        expect(error).toBeInstanceOf(InvalidParameterValueError);
        expect((error as Error).message).toContain(count);
      }
      expect(result.fetched.data.params.long_param).toBe('a'.repeat(6000));
      expect(Object.keys(result.fetched.data.params)).toHaveLength(101);
      expect(result.fetched.data.metrics).toEqual([
        { key: 'm', value: 999, timestamp: recordedMetricTime(exchanges, 2), step: 999 },
      ]);
      expectRequestsToMatch(server.received, exchanges);
    });
  });
});
