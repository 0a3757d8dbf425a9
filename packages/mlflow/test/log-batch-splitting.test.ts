import { describe, expect, it } from 'vitest';
import { LOG_BATCH_LIMITS, MlflowValidationError, type MetricInput } from '../src/index.js';
import { splitLogBatch } from '../src/batch/split-log-batch.js';
import type { LogBatchChunk, WireKeyValue, WireMetric } from '../src/batch/wire-entities.js';
import { jsonReply, type ReceivedRequest } from './support/loopback-server.js';
import { withHandler } from './support/with-server.js';

const RUN_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

interface SentBatch {
  run_id: string;
  metrics?: WireMetric[];
  params?: WireKeyValue[];
  tags?: WireKeyValue[];
}

function batchesOf(received: readonly ReceivedRequest[]): SentBatch[] {
  return received.map((request) => {
    expect(request.path).toBe('/api/2.0/mlflow/runs/log-batch');
    expect(request.headers['content-type']).toBe('application/json');
    return JSON.parse(request.body.toString('utf8')) as SentBatch;
  });
}

function metrics(count: number, key = 'm', timestamp = 1_700_000_000_000): MetricInput[] {
  return Array.from({ length: count }, (_, i) => ({ key, value: i / 7, step: i, timestamp }));
}

describe('log-batch splitting', () => {
  it('sends 1001 metrics as two requests of 1000 and 1, each metric once and in order', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      await client.runs.logBatch(RUN_ID, { metrics: metrics(1001) });
      const sent = batchesOf(server.received);
      expect(sent.map((batch) => batch.metrics?.length)).toEqual([1000, 1]);
      expect(sent.flatMap((batch) => batch.metrics!.map((metric) => metric.step))).toEqual(
        Array.from({ length: 1001 }, (_, i) => i),
      );
      expect(sent.every((batch) => batch.run_id === RUN_ID && batch.params === undefined && batch.tags === undefined)).toBe(true);
    });
  });

  it('splits the recorded over-limit mix (950 metrics + 100 params) into 100 params + 900 metrics, then 50 metrics', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      const params = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}`, i]));
      await client.runs.logBatch(RUN_ID, { metrics: metrics(950, 'm2'), params });
      const sent = batchesOf(server.received);
      expect(sent.map((batch) => [batch.params?.length ?? 0, batch.metrics?.length ?? 0])).toEqual([
        [100, 900],
        [0, 50],
      ]);
      expect(sent[0]!.params![7]).toEqual({ key: 'r7', value: '7' });
    });
  });

  it('sends 101 params and 101 tags in three requests, no tag before the last param', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      const params = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`q${i}`, String(i)]));
      const tags = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t${i}`, String(i)]));
      await client.runs.logBatch(RUN_ID, { params, tags });
      const sent = batchesOf(server.received);
      expect(sent.map((batch) => [batch.params?.length ?? 0, batch.tags?.length ?? 0])).toEqual([
        [100, 0],
        [1, 100],
        [0, 1],
      ]);
    });
  });

  it('keeps every chunk within all four limits and carries every item exactly once, unchanged', () => {
    let seed = 7;
    const random = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % limit;
    };
    for (let trial = 0; trial < 40; trial += 1) {
      const batch: LogBatchChunk = {
        params: Array.from({ length: random(260) }, (_, i) => ({ key: `p${i}`, value: `v${i}` })),
        tags: Array.from({ length: random(260) }, (_, i) => ({ key: `t${i}`, value: `w${i}` })),
        metrics: Array.from({ length: random(2600) }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
      };
      const chunks = splitLogBatch(batch);
      for (const chunk of chunks) {
        expect(chunk.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
        expect(chunk.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
        expect(chunk.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
        expect(chunk.params.length + chunk.tags.length + chunk.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.total);
      }
      expect(chunks.flatMap((chunk) => chunk.params)).toEqual(batch.params);
      expect(chunks.flatMap((chunk) => chunk.tags)).toEqual(batch.tags);
      expect(chunks.flatMap((chunk) => chunk.metrics)).toEqual(batch.metrics);
      const lastWithParams = chunks.findLastIndex((chunk) => chunk.params.length > 0);
      const firstWithOthers = chunks.findIndex((chunk) => chunk.metrics.length + chunk.tags.length > 0);
      if (lastWithParams >= 0 && firstWithOthers >= 0) expect(firstWithOthers).toBeGreaterThanOrEqual(lastWithParams);
      const total = batch.params.length + batch.tags.length + batch.metrics.length;
      expect(chunks.length).toBeLessThanOrEqual(Math.max(1, Math.ceil(batch.params.length / 100) + Math.ceil(total / 1000) + 1));
    }
  });

  it('gives metrics without a timestamp one shared time of the call, and step 0', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      const before = Date.now();
      await client.runs.logBatch(RUN_ID, { metrics: Array.from({ length: 1200 }, (_, i) => ({ key: `k${i % 3}`, value: i })) });
      const after = Date.now();
      const sent = batchesOf(server.received).flatMap((batch) => batch.metrics!);
      const timestamps = new Set(sent.map((metric) => metric.timestamp));
      expect(timestamps.size).toBe(1);
      const [timestamp] = [...timestamps];
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(after);
      expect(sent.every((metric) => metric.step === 0)).toBe(true);
    });
  });

  it('encodes non-finite values as MLflow strings, param values as strings, and sends exact repeats once', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      await client.runs.logBatch(RUN_ID, {
        metrics: [
          { key: 'a', value: NaN, step: 1, timestamp: 5 },
          { key: 'a', value: NaN, step: 1, timestamp: 5 },
          { key: 'b', value: Infinity, step: 1, timestamp: 5 },
          { key: 'c', value: -Infinity, step: 1, timestamp: 5 },
          { key: 'd', value: 0.25, step: 1, timestamp: 5 },
          { key: 'd', value: 0.25, step: 1, timestamp: 5 },
          { key: 'd', value: 0.25, step: 2, timestamp: 5 },
        ],
        params: { lr: 0.001, warm: true, big: 1e21, name: 'x' },
      });
      const [sent] = batchesOf(server.received);
      expect(sent!.metrics!.map((metric) => [metric.key, metric.value, metric.step])).toEqual([
        ['a', 'NaN', 1],
        ['b', 'Infinity', 1],
        ['c', '-Infinity', 1],
        ['d', 0.25, 1],
        ['d', 0.25, 2],
      ]);
      expect(sent!.params).toEqual([
        { key: 'lr', value: '0.001' },
        { key: 'warm', value: 'true' },
        { key: 'big', value: '1e+21' },
        { key: 'name', value: 'x' },
      ]);
    });
  });

  it('refuses, before sending anything, what MLflow would store wrongly or cut', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      const refusals: [Promise<unknown>, RegExp][] = [
        [client.runs.logBatch(RUN_ID, { metrics: [{ key: 'x', value: 1, step: 1.5 }] }), /metrics\[0\]\.step.*1\.5/],
        [client.runs.logBatch(RUN_ID, { metrics: [{ key: 'x', value: 1, timestamp: -1 }] }), /metrics\[0\]\.timestamp/],
        [client.runs.logBatch(RUN_ID, { metrics: [{ key: 'x', value: 1, timestamp: 1.25 }] }), /metrics\[0\]\.timestamp/],
        [client.runs.logBatch(RUN_ID, { metrics: [{ key: 'x', value: '0.5' as unknown as number }] }), /metrics\[0\]\.value/],
        [client.runs.logBatch(RUN_ID, { params: { p: { nested: 1 } as unknown as string } }), /params\.p/],
        [client.runs.logBatch(RUN_ID, { tags: { note: 'n'.repeat(5001) } }), /tags\.note.*5001 characters/],
        [client.runs.logMetric(RUN_ID, { key: 'x', value: 1, step: 0.5 }), /metric\.step/],
        [client.runs.logBatch('not a run id!', { metrics: [] }), /runId/],
        [client.runs.update({ runId: RUN_ID, status: 'DONE' as never }), /status.*'DONE'/],
      ];
      for (const [call, message] of refusals) {
        const error = await call.then(() => undefined, (thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(MlflowValidationError);
        expect((error as Error).message).toMatch(message);
      }
      expect(server.received).toHaveLength(0);
    });
  });

  it('sends nothing for an empty call', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      await client.runs.logBatch(RUN_ID, {});
      await client.runs.logBatch(RUN_ID, { metrics: [], params: {}, tags: {} });
      expect(server.received).toHaveLength(0);
    });
  });

  it('refuses a run whose mlflow.runName tag contradicts its runName (MLflow answers 400)', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      await expect(
        client.runs.create({ experimentId: '1', runName: 'a', tags: { 'mlflow.runName': 'b' } }),
      ).rejects.toThrow(/mlflow\.runName/);
      expect(server.received).toHaveLength(0);
    });
  });
});
