import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '@kdlab/core';
import type { RemoteRunHandle } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { FakeMlflowServer, type StoredRun } from './support/fake-mlflow-server.js';
import { testTracker, waitFor } from './support/test-tracker.js';

const T0 = 1_700_000_000_000;
let server: FakeMlflowServer;
let temp: TempFolder;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-outage-');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

function epochMetrics(epoch: number): MetricPoint[] {
  return [
    { key: 'train/loss', value: 1 / epoch, step: epoch, timestamp: T0 + epoch },
    { key: 'val/accuracy', value: epoch / 100, step: epoch },
  ];
}

/** Each (key, step) of `steps` stored exactly once, with the value logged. */
function expectEachEpochOnce(run: StoredRun, steps: number[]): void {
  for (const key of ['train/loss', 'val/accuracy']) {
    const stored = run.metrics.filter((metric) => metric.key === key).sort((a, b) => a.step - b.step);
    expect(stored.map((metric) => metric.step), key).toEqual(steps);
    expect(stored.map((metric) => metric.value), key).toEqual(steps.map((epoch) => (key === 'train/loss' ? 1 / epoch : epoch / 100)));
  }
}

describe('MlflowServerTracker when the server goes away', () => {
  it('keeps training while the server is cut off, then delivers every metric exactly once and ends the run FINISHED', async () => {
    const { tracker, warnings } = testTracker(server.url, join(temp.path, 'journal'));
    const run = await tracker.startRun({ experimentName: 'outage', runName: 'student', tags: { 'mlflow.user': 'bob' } });
    await run.logParams({ lr: 0.1 });
    for (let epoch = 1; epoch <= 3; epoch += 1) await run.logMetrics(epochMetrics(epoch));
    await tracker.flush();
    const serverRunId = run.runId;
    expect(server.runs.get(serverRunId)!.metrics).toHaveLength(6);

    await server.stop();
    let slowest = 0;
    for (let epoch = 4; epoch <= 8; epoch += 1) {
      const started = performance.now();
      await run.logMetrics(epochMetrics(epoch));
      slowest = Math.max(slowest, performance.now() - started);
    }
    await waitFor(() => warnings.some((w) => /is unavailable/.test(w)), 'the outage warning');
    expect(slowest).toBeLessThan(50);
    // A nested run started during the outage: returns at once with a local id.
    const child = (await tracker.startRun({ experimentName: 'outage', runName: 'child', parentRunId: serverRunId })) as RemoteRunHandle;
    expect(child.runId).toBe(child.localRunId);
    expect(child.serverRunId).toBeUndefined();
    await child.logMetrics([{ key: 'train/loss', value: 7, step: 1 }]);
    await child.end('FINISHED');
    expect(tracker.pendingCount).toBeGreaterThan(0);

    await server.listen();
    for (let epoch = 9; epoch <= 10; epoch += 1) await run.logMetrics(epochMetrics(epoch));
    await run.end('FINISHED');
    await tracker.close();

    const stored = server.runs.get(serverRunId)!;
    expectEachEpochOnce(stored, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stored.metrics.find((m) => m.key === 'train/loss' && m.step === 5)!.timestamp).toBe(T0 + 5);
    expect(stored.info.status).toBe('FINISHED');
    expect(Object.fromEntries(stored.params)).toEqual({ lr: '0.1' });
    expect(child.serverRunId).toBeDefined();
    expect(child.runId).toBe(child.serverRunId);
    const storedChild = server.runs.get(child.serverRunId!)!;
    expect(storedChild.tags.get('mlflow.parentRunId')).toBe(serverRunId);
    expect(storedChild.info.status).toBe('FINISHED');
    expect(storedChild.metrics).toHaveLength(1);
    expect(warnings.some((w) => /answers again/.test(w))).toBe(true);
    expect(readdirSync(join(temp.path, 'journal'))).toEqual([]);
  });

  it('rides out 5xx answers and lost answers without storing anything twice', async () => {
    const { tracker } = testTracker(server.url, join(temp.path, 'journal'));
    const run = await tracker.startRun({ experimentName: 'flaky', runName: 'r' });
    server.failNext = 5;
    for (let epoch = 1; epoch <= 3; epoch += 1) await run.logMetrics(epochMetrics(epoch));
    await run.logMetrics([{ key: 'test/nll', value: Number.NaN, step: 3, timestamp: T0 }]);
    await tracker.flush();
    server.loseAnswers = 2;
    for (let epoch = 4; epoch <= 6; epoch += 1) {
      await run.logMetrics(epochMetrics(epoch));
      await tracker.flush();
    }
    await run.end('FINISHED');
    await tracker.close();
    const stored = server.runs.get(run.runId)!;
    expectEachEpochOnce(stored, [1, 2, 3, 4, 5, 6]);
    expect(stored.metrics.filter((m) => m.key === 'test/nll')).toHaveLength(1);
    expect(stored.info.status).toBe('FINISHED');
    expect(server.requestsTo('runs/log-batch').length).toBeGreaterThan(4);
  });

  it('keeps what the server never got in the journal when the process closes during the outage', async () => {
    const { tracker, warnings } = testTracker(server.url, join(temp.path, 'journal'));
    const run = await tracker.startRun({ experimentName: 'left', runName: 'r' });
    await server.stop();
    await run.logMetrics(epochMetrics(1));
    await run.end('FINISHED');
    await tracker.close();
    expect(warnings.join('\n')).toMatch(/calls are not on MLflow server .* yet; they are kept in .*\.jsonl: run `kdlab sync`/);
    expect(readdirSync(join(temp.path, 'journal')).filter((name) => name.endsWith('.jsonl'))).toHaveLength(1);
  });
});
