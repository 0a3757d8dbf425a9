import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS, MlflowConfigError, MlflowClient } from '../src/index.js';
import { backoffDelayMs, parseRetryAfterMs } from '../src/transport/backoff.js';
import { isRetriableStatus } from '../src/transport/request-executor.js';

describe('back-off', () => {
  const options = { ...DEFAULT_RETRY_OPTIONS, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5 };

  it('doubles from the initial delay up to the cap, without jitter when random() is 0', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, options, undefined, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('takes off at most the jitter share at random', () => {
    expect(backoffDelayMs(3, options, undefined, () => 0.999999)).toBe(200);
    for (let i = 0; i < 50; i += 1) {
      const delay = backoffDelayMs(2, options, undefined);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });

  it('waits at least Retry-After, still capped', () => {
    expect(backoffDelayMs(1, options, 700, () => 0)).toBe(700);
    expect(backoffDelayMs(1, options, 60_000, () => 0)).toBe(1000);
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });

  it('retries 429 and 5xx but 501, never other statuses', () => {
    expect([429, 500, 502, 503, 504].every(isRetriableStatus)).toBe(true);
    expect([400, 401, 403, 404, 405, 409, 501].some(isRetriableStatus)).toBe(false);
  });

  it('refuses nonsensical retry settings', () => {
    for (const retry of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { initialDelayMs: -1 }, { multiplier: 0.5 }, { jitter: 2 }]) {
      expect(() => new MlflowClient({ trackingUri: 'http://127.0.0.1:1', env: {}, retry })).toThrow(MlflowConfigError);
    }
  });
});
