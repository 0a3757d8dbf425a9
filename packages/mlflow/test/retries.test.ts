import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InvalidParameterValueError,
  MlflowConnectionError,
  MlflowHttpError,
  ResourceDoesNotExistError,
  TemporarilyUnavailableError,
  type RetryEvent,
} from '../src/index.js';
import { jsonReply, unusedPort, type ReceivedRequest, type Reply } from './support/loopback-server.js';
import { testClient } from './support/test-client.js';
import { withHandler } from './support/with-server.js';

const RUN_ID = '0123456789abcdef0123456789abcdef';
const unavailable = jsonReply(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
const runJson = (runId: string, startTime: number) => ({
  run: {
    info: { run_id: runId, run_uuid: runId, experiment_id: '7', run_name: 'r', user_id: 'tester', status: 'RUNNING', start_time: startTime, artifact_uri: `mlflow-artifacts:/7/${runId}/artifacts`, lifecycle_stage: 'active' },
    data: { tags: [{ key: 'mlflow.runName', value: 'r' }] },
  },
});

function bodyOf(request: ReceivedRequest): Record<string, unknown> {
  return JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
}

describe('retries', () => {
  it('retries a 503 twice, then succeeds, re-sending byte-identical bodies (same metric timestamps and params)', async () => {
    const events: RetryEvent[] = [];
    await withHandler(
      (_request, index) => (index < 2 ? unavailable : jsonReply(200, {})),
      async (client, server) => {
        await client.runs.logBatch(RUN_ID, { metrics: [{ key: 'loss', value: 0.5 }], params: { lr: 0.1 } });
        expect(server.received).toHaveLength(3);
        expect(server.received[1]!.body.equals(server.received[0]!.body)).toBe(true);
        expect(server.received[2]!.body.equals(server.received[0]!.body)).toBe(true);
        expect(events.map((event) => [event.attempt, event.reason, event.endpoint])).toEqual([
          [1, 'HTTP 503 TEMPORARILY_UNAVAILABLE', '/api/2.0/mlflow/runs/log-batch'],
          [2, 'HTTP 503 TEMPORARILY_UNAVAILABLE', '/api/2.0/mlflow/runs/log-batch'],
        ]);
      },
      { onRetry: (event) => events.push(event) },
    );
  });

  it('gives up after maxAttempts and throws the last typed error with the attempt count', async () => {
    await withHandler(() => unavailable, async (client, server) => {
      const error = await client.runs.get(RUN_ID).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect(error).toMatchObject({ status: 503, attempts: 3 });
      expect((error as Error).message).toContain('after 3 attempts');
      expect(server.received).toHaveLength(3);
    }, { retry: { maxAttempts: 3 } });
  });

  it('never retries a 400', async () => {
    await withHandler(
      () => jsonReply(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'no' }),
      async (client, server) => {
        await expect(client.runs.setTag(RUN_ID, 'k', 'v')).rejects.toBeInstanceOf(InvalidParameterValueError);
        expect(server.received).toHaveLength(1);
      },
    );
  });

  it('never retries 501, nor retries at all with retry: false', async () => {
    await withHandler(() => ({ status: 501, contentType: 'text/plain', body: 'nope' }), async (client, server) => {
      await expect(client.health()).rejects.toBeInstanceOf(MlflowHttpError);
      expect(server.received).toHaveLength(1);
    });
    await withHandler(() => unavailable, async (client, server) => {
      await expect(client.health()).rejects.toMatchObject({ attempts: 1 });
      expect(server.received).toHaveLength(1);
    }, { retry: false });
  });

  it('retries 429 after the Retry-After the server asks for, and an HTML 502 from a proxy', async () => {
    const replies: Reply[] = [
      jsonReply(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '0' }),
      { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      { status: 200, contentType: 'text/plain', body: 'OK' },
    ];
    const events: RetryEvent[] = [];
    await withHandler((_request, index) => replies[index]!, async (client, server) => {
      expect(await client.health()).toBe('OK');
      expect(server.received).toHaveLength(3);
      expect(events.map((event) => event.reason)).toEqual(['HTTP 429 REQUEST_LIMIT_EXCEEDED', 'HTTP 502']);
    }, { onRetry: (event) => events.push(event) });
  });

  it('retries a dropped connection on an idempotent call', async () => {
    await withHandler(
      (_request, index) => (index === 0 ? 'drop' : { status: 200, contentType: 'text/plain', body: '2.12.2' }),
      async (client, server) => {
        expect(await client.version()).toBe('2.12.2');
        expect(server.received).toHaveLength(2);
      },
    );
  });

  it('throws MlflowConnectionError after retrying a refused connection (nothing was sent)', async () => {
    const client = testClient(`http://127.0.0.1:${await unusedPort()}`, { retry: { maxAttempts: 3 } });
    try {
      const error = await client.health().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MlflowConnectionError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 3, requestMayHaveBeenProcessed: false, endpoint: '/health' });
    } finally {
      await client.close();
    }
  });

  it('after a lost runs/create answer, finds the run it made instead of creating a second one', async () => {
    const created: string[] = [];
    await withHandler((request) => {
      if (request.path.endsWith('/runs/create')) {
        created.push(String(bodyOf(request).run_name));
        return 'drop';
      }
      const body = bodyOf(request);
      expect(body).toEqual({
        experiment_ids: ['7'],
        filter: 'attributes.start_time = 1700000000123',
        run_view_type: 'ACTIVE_ONLY',
        max_results: 1000,
      });
      return jsonReply(200, { runs: [runJson('f'.repeat(32), 1700000000123).run] });
    }, async (client, server) => {
      const run = await client.runs.create({ experimentId: '7', runName: 'r', startTime: 1_700_000_000_123 });
      expect(run.info.runId).toBe('f'.repeat(32));
      expect(created).toEqual(['r']);
      expect(server.received.map((request) => request.path)).toEqual(['/api/2.0/mlflow/runs/create', '/api/2.0/mlflow/runs/search']);
    });
  });

  it('creates the run again when the lost attempt made none, and retries a 503 on runs/create without searching', async () => {
    const replies: Reply[] = ['drop', jsonReply(200, {}), unavailable, jsonReply(200, runJson('e'.repeat(32), 1))];
    await withHandler((_request, index) => replies[index]!, async (client, server) => {
      const run = await client.runs.create({ experimentId: '7', runName: 'r', startTime: 1 });
      expect(run.info.runId).toBe('e'.repeat(32));
      expect(server.received.map((request) => request.path.split('/').pop())).toEqual(['create', 'search', 'create', 'create']);
    });
  });

  it('does not repeat a runs/create whose outcome is unknown when it cannot look for the run', async () => {
    await withHandler((request) => (request.path.endsWith('/runs/create') ? 'drop' : unavailable), async (client, server) => {
      const error = await client.runs.create({ experimentId: '7', runName: 'r', startTime: 1 }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MlflowConnectionError);
      expect(error).toMatchObject({ requestMayHaveBeenProcessed: true });
      expect(server.received.filter((request) => request.path.endsWith('/runs/create'))).toHaveLength(1);
    }, { retry: { maxAttempts: 2 } });
  });

  it('treats a delete-tag retry that finds the tag gone as done, but reports a first-attempt 404', async () => {
    const gone = jsonReply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No tag with name: k' });
    await withHandler((_request, index) => (index === 0 ? 'drop' : gone), async (client, server) => {
      await client.runs.deleteTag(RUN_ID, 'k');
      expect(server.received).toHaveLength(2);
    });
    await withHandler(() => gone, async (client) => {
      await expect(client.runs.deleteTag(RUN_ID, 'k')).rejects.toBeInstanceOf(ResourceDoesNotExistError);
    });
  });
});

/** A tiny stand-in for MLflow's SQL metric store, with its NaN de-duplication flaw and its non-atomic log-batch. */
class MetricStore {
  readonly metrics: { key: string; value: number | string; timestamp: number; step: number }[] = [];
  readonly params = new Map<string, string>();
  readonly tags = new Map<string, string>();

  logBatch(body: Record<string, unknown>): Reply {
    for (const { key, value } of (body.params ?? []) as { key: string; value: string }[]) this.params.set(key, value);
    const incoming = (body.metrics ?? []) as MetricStore['metrics'];
    const isStored = (metric: MetricStore['metrics'][number]) =>
      this.metrics.some((stored) => stored.key === metric.key && stored.timestamp === metric.timestamp && stored.step === metric.step && stored.value === metric.value && metric.value !== 'NaN');
    const clash = incoming.some((metric) => metric.value === 'NaN' && this.metrics.some((stored) => stored.key === metric.key && stored.timestamp === metric.timestamp && stored.step === metric.step && stored.value === 'NaN'));
    if (clash) return jsonReply(400, { error_code: 'BAD_REQUEST', message: '(sqlite3.IntegrityError) UNIQUE constraint failed: metrics.key, ...' });
    this.metrics.push(...incoming.filter((metric) => !isStored(metric)));
    for (const { key, value } of (body.tags ?? []) as { key: string; value: string }[]) this.tags.set(key, value);
    return jsonReply(200, {});
  }

  history(key: string): Reply {
    return jsonReply(200, { metrics: this.metrics.filter((metric) => metric.key === key) });
  }
}

describe('a retried log call after a lost answer, with NaN metrics', () => {
  it('log-batch: drops the NaN metric the lost attempt stored, re-sends the rest, and the caller succeeds', async () => {
    const store = new MetricStore();
    let batches = 0;
    await withHandler((request) => {
      if (request.path.endsWith('/metrics/get-history')) return store.history(request.query!.metric_key!);
      const reply = store.logBatch(bodyOf(request));
      batches += 1;
      return batches === 1 ? 'drop' : reply;
    }, async (client, server) => {
      await client.runs.logBatch(RUN_ID, {
        metrics: [
          { key: 'val/loss', value: NaN, step: 3, timestamp: 1000 },
          { key: 'val/acc', value: 0.5, step: 3, timestamp: 1000 },
        ],
        params: { lr: '0.1' },
        tags: { phase: 'val' },
      });
      expect(server.received.map((request) => request.path.split('/').pop())).toEqual(['log-batch', 'log-batch', 'get-history', 'log-batch']);
      expect(server.received[2]!.query).toEqual({ run_id: RUN_ID, metric_key: 'val/loss', max_results: '25000' });
      const last = bodyOf(server.received[3]!);
      expect(last.metrics).toEqual([{ key: 'val/acc', value: 0.5, timestamp: 1000, step: 3 }]);
      expect(last.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect(store.metrics.map((metric) => metric.key)).toEqual(['val/loss', 'val/acc']);
      expect(store.tags.get('phase')).toBe('val');
    });
  });

  it('log-metric: a retried NaN that the lost attempt stored counts as logged', async () => {
    const store = new MetricStore();
    let logs = 0;
    await withHandler((request) => {
      if (request.path.endsWith('/metrics/get-history')) return store.history(request.query!.metric_key!);
      const { key, value, timestamp, step } = bodyOf(request);
      const reply = store.logBatch({ metrics: [{ key, value, timestamp, step }] });
      logs += 1;
      return logs === 1 ? 'drop' : reply;
    }, async (client) => {
      await client.runs.logMetric(RUN_ID, { key: 'loss', value: NaN, step: 0, timestamp: 5 });
      expect(store.metrics).toHaveLength(1);
    });
  });

  it('still reports BAD_REQUEST when no stored NaN explains it', async () => {
    await withHandler((request) => {
      if (request.path.endsWith('/metrics/get-history')) return jsonReply(200, {});
      return jsonReply(400, { error_code: 'BAD_REQUEST', message: 'something else' });
    }, async (client, server) => {
      await expect(client.runs.logBatch(RUN_ID, { metrics: [{ key: 'x', value: NaN }] })).rejects.toBeInstanceOf(BadRequestError);
      expect(server.received.map((request) => request.path.split('/').pop())).toEqual(['log-batch', 'get-history']);
    });
  });
});
