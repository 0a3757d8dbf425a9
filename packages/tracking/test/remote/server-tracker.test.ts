import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTracker, MlflowServerTracker, RemoteRunHandle } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

const T0 = 1_700_000_000_000;
let server: FakeMlflowServer;
let temp: TempFolder;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-remote-');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

describe('MlflowServerTracker', () => {
  it('delivers a complete run: server ids, tags, params, metrics, artifacts, status', async () => {
    const { tracker, warnings } = testTracker(server.url, join(temp.path, 'journal'));
    const baseTags = { 'mlflow.user': 'alice', 'mlflow.source.name': 'experiments/x.ts', 'mlflow.source.type': 'LOCAL', 'kdlab.role': 'teacher' };
    const run = await tracker.startRun({ experimentName: 'remote-demo', runName: 'teacher', tags: baseTags, startTime: T0 });
    const stored = [...server.runs.values()][0]!;
    expect(run.runId).toBe(stored.info.run_id);
    expect(run.experimentId).toBe(stored.info.experiment_id);
    expect((run as RemoteRunHandle).localRunId).not.toBe(run.runId);

    await run.logParams({ temperature: 4, student: 'mlp', dropout: 0.2, augment: false });
    await run.setTags({ 'kdlab.teacher_signal': 'cached' });
    for (let epoch = 1; epoch <= 3; epoch += 1) {
      await run.logMetrics([
        { key: 'train/loss', value: 1 / epoch, step: epoch, timestamp: T0 + epoch },
        { key: 'val/accuracy', value: 0.5 + epoch / 10, step: epoch },
      ]);
    }
    await run.logMetrics([{ key: 'test/nll', value: Number.NaN, step: 3, timestamp: T0 + 9 }, { key: 'test/ece', value: Infinity, step: 3, timestamp: T0 + 9 }]);
    await run.logArtifact('config.json', '{"a":1}');
    const weights = new Uint8Array(200_000).map((_, i) => i % 251);
    await run.logArtifact('model/weights.bin', weights);
    const child = await tracker.startRun({ experimentName: 'remote-demo', runName: 'child', parentRunId: run.runId, startTime: T0 + 5 });
    await child.end('FINISHED');
    await run.end('FINISHED');
    await run.end('FAILED');
    await tracker.close();

    expect(warnings).toEqual([]);
    expect(server.experiments.size).toBe(1);
    expect(server.runs.size).toBe(2);
    expect(stored.info).toMatchObject({ run_name: 'teacher', user_id: 'alice', status: 'FINISHED', start_time: T0 });
    expect(stored.info.end_time).toBeGreaterThanOrEqual(T0);
    expect(Object.fromEntries(stored.tags)).toEqual({ ...baseTags, 'mlflow.runName': 'teacher', 'kdlab.teacher_signal': 'cached' });
    expect(Object.fromEntries(stored.params)).toEqual({ temperature: '4', student: 'mlp', dropout: '0.2', augment: 'false' });
    const loss = stored.metrics.filter((m) => m.key === 'train/loss');
    expect(loss.map((m) => [m.step, m.value, m.timestamp])).toEqual([[1, 1, T0 + 1], [2, 0.5, T0 + 2], [3, 1 / 3, T0 + 3]]);
    expect(stored.metrics.filter((m) => m.key === 'val/accuracy')).toHaveLength(3);
    expect(stored.metrics.find((m) => m.key === 'test/nll')!.value).toBeNaN();
    expect(stored.metrics.find((m) => m.key === 'test/ece')!.value).toBe(Infinity);
    expect(server.artifacts.get(`${stored.info.experiment_id}/${stored.info.run_id}/artifacts/config.json`)!.toString()).toBe('{"a":1}');
    expect(new Uint8Array(server.artifacts.get(`${stored.info.experiment_id}/${stored.info.run_id}/artifacts/model/weights.bin`)!)).toEqual(weights);
    const childRun = [...server.runs.values()].find((r) => r.info.run_name === 'child')!;
    expect(childRun.tags.get('mlflow.parentRunId')).toBe(stored.info.run_id);
    expect(childRun.info.status).toBe('FINISHED');
    // Everything arrived and every run ended: the journal is gone.
    expect(readdirSync(join(temp.path, 'journal'))).toEqual([]);
  });

  it('returns from logging calls without waiting for the server, and batches them into few log-batch requests', async () => {
    const { tracker } = testTracker(server.url, join(temp.path, 'journal'), { batchDelayMs: 50 });
    const run = await tracker.startRun({ experimentName: 'batched', runName: 'r' });
    const before = server.requests.length;
    for (let step = 0; step < 200; step += 1) await run.logMetrics([{ key: 'train/loss', value: step, step }]);
    expect(server.requests.length).toBe(before);
    await tracker.flush();
    expect(server.requestsTo('runs/log-batch').length).toBeLessThanOrEqual(2);
    expect([...server.runs.values()][0]!.metrics).toHaveLength(200);
    await run.end('FINISHED');
    await tracker.close();
  });

  it('reuses an experiment by name across trackers and checks calls as the local store does', async () => {
    for (const name of ['a', 'b']) {
      const { tracker } = testTracker(server.url, join(temp.path, 'journal'));
      const run = await tracker.startRun({ experimentName: 'shared', runName: name });
      await run.logParams({ lr: 0.1 });
      await expect(run.logParams({ lr: 0.2 })).rejects.toThrow(/Param 'lr' of run [0-9a-f]+ was already logged with value '0.1'; it cannot change to '0.2'/);
      await expect(run.logMetrics([{ key: 'bad:key', value: 1, step: 0 }])).rejects.toThrow(/metric key 'bad:key'/);
      await expect(run.logMetrics([{ key: 'x', value: 1, step: 0.5 }])).rejects.toThrow(/step must be an integer/);
      await expect(run.logArtifact('../escape.txt', 'x')).rejects.toThrow(/contains '\.\.'/);
      await run.end('FINISHED');
      await expect(run.setTags({ a: 'b' })).rejects.toThrow(/has ended: cannot set tags/);
      const unended = await tracker.startRun({ experimentName: 'shared', runName: `${name}-open` });
      await tracker.close();
      await expect(tracker.startRun({ experimentName: 'shared', runName: 'late' })).rejects.toThrow(/is closed/);
      await expect(unended.logMetrics([{ key: 'm', value: 1, step: 0 }])).rejects.toThrow(/is closed: cannot record the 'metrics' call of run [0-9a-f]{32}/);
    }
    expect(server.experiments.size).toBe(1);
    expect(server.runsOf('shared').map((run) => run.info.status)).toEqual(['FINISHED', 'RUNNING', 'FINISHED', 'RUNNING']);
  });

  it('fails startRun with the server\'s reason when the server refuses the run, and drops refused calls with a warning', async () => {
    const { tracker, warnings } = testTracker(server.url, join(temp.path, 'journal'));
    const run = await tracker.startRun({ experimentName: 'refusals', runName: 'r' });
    const stored = [...server.runs.values()][0]!;
    stored.params.set('fixed', 'server-side');
    await run.logParams({ fixed: 'client-side' });
    await run.logMetrics([{ key: 'kept', value: 1, step: 0 }]);
    await tracker.flush();
    expect(stored.metrics.map((m) => m.key)).toEqual(['kept']);
    expect(warnings.join('\n')).toMatch(/refused the 'params' call \d+ of run [0-9a-f]{32}; it is dropped: InvalidParameterValueError/);
    await run.end('FINISHED');
    await tracker.close();
    expect(stored.info.status).toBe('FINISHED');
  });

  it('is what createTracker makes for an http(s) URI, with the journal in .kdlab/journal below cwd', async () => {
    const tracker = createTracker(`${server.url}/`, temp.path);
    expect(tracker).toBeInstanceOf(MlflowServerTracker);
    expect(tracker.description).toBe(server.url);
    expect((tracker as MlflowServerTracker).journalDir).toBe(join(temp.path, '.kdlab', 'journal'));
    await tracker.close();
    expect(existsSync(join(temp.path, '.kdlab'))).toBe(false);
  });
});
