import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlrunsTracker, readMlrunsStore } from '@kdlab/tracking';
import type { Tracker } from '@kdlab/core';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { FakeMlflowServer, type StoredRun } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

const T0 = 1_700_000_000_000;
let server: FakeMlflowServer;
let temp: TempFolder;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-parity-');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

/** The same sequence of calls a trainer makes, nested run and long values included. */
async function logStudy(tracker: Tracker): Promise<void> {
  const baseTags = { 'mlflow.user': 'erin', 'mlflow.source.name': 'experiments/hinton.ts', 'mlflow.source.type': 'LOCAL', 'kdlab.role': 'distilled' };
  const parent = await tracker.startRun({ experimentName: 'parity', runName: 'sweep', tags: baseTags, startTime: T0 });
  const run = await tracker.startRun({ experimentName: 'parity', runName: 'distilled', tags: { ...baseTags, 'mlflow.note.content': 'n'.repeat(5200) }, parentRunId: parent.runId, startTime: T0 + 1 });
  await run.logParams({ temperature: 4, 'losses.0.kind': 'hinton', weight: 0.7, augment: false, config: 'x'.repeat(6100) });
  await run.setTags({ 'kdlab.teacher_signal': 'cached' });
  await run.logMetrics([{ key: 'model/params', value: 25450, step: 0, timestamp: T0 + 2 }]);
  for (let epoch = 1; epoch <= 3; epoch += 1) {
    await run.logMetrics([
      { key: 'train/loss', value: 1 / 3 / epoch, step: epoch, timestamp: T0 + 10 * epoch },
      { key: 'val/accuracy', value: 0.1 * epoch, step: epoch, timestamp: T0 + 10 * epoch },
    ]);
  }
  await run.logMetrics([{ key: 'test/nll', value: Number.NaN, step: 3, timestamp: T0 + 40 }, { key: 'test/ece', value: -Infinity, step: 3, timestamp: T0 + 40 }]);
  await run.setTags({ 'kdlab.teacher_signal': 'live' });
  await run.logArtifact('config.json', '{"temperature":4}');
  await run.end('FINISHED');
  await parent.end('KILLED');
  await tracker.close();
}

interface Comparable {
  name: string;
  userId: string;
  status: string;
  startTime: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { step: number; value: number; timestamp: number }[]>;
}

function fromServer(run: StoredRun, idMap: Map<string, string>): Comparable {
  const metrics: Comparable['metrics'] = {};
  for (const metric of run.metrics) (metrics[metric.key] ??= []).push({ step: metric.step, value: metric.value, timestamp: metric.timestamp });
  const tags = Object.fromEntries(run.tags);
  if (tags['mlflow.parentRunId'] !== undefined) tags['mlflow.parentRunId'] = idMap.get(tags['mlflow.parentRunId']) ?? 'unknown';
  return { name: run.info.run_name, userId: run.info.user_id, status: run.info.status, startTime: run.info.start_time, params: Object.fromEntries(run.params), tags, metrics };
}

describe('MlflowServerTracker and MlrunsTracker', () => {
  it('store the same params, tags, metrics, statuses and artifacts for the same calls', async () => {
    const store = join(temp.path, 'mlruns');
    await logStudy(new MlrunsTracker({ location: store }));
    await logStudy(testTracker(server.url, join(temp.path, 'journal')).tracker);

    const local = (await readMlrunsStore(store)).runs;
    const localIds = new Map(local.map((run) => [run.info.runId, run.info.runName]));
    const serverIds = new Map([...server.runs.values()].map((run) => [run.info.run_id, run.info.run_name]));
    const localView: Comparable[] = local.map((run) => ({
      name: run.info.runName,
      userId: run.info.userId,
      status: run.info.status,
      startTime: run.info.startTime,
      params: run.params,
      tags: run.tags['mlflow.parentRunId'] === undefined ? run.tags : { ...run.tags, 'mlflow.parentRunId': localIds.get(run.tags['mlflow.parentRunId']) ?? 'unknown' },
      metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, points]) => [key, points.map(({ step, value, timestamp }) => ({ step, value, timestamp }))])),
    }));
    const serverView = [...server.runs.values()].map((run) => fromServer(run, serverIds));
    const byName = (a: Comparable, b: Comparable): number => a.name.localeCompare(b.name);
    expect(serverView.sort(byName)).toEqual(localView.sort(byName));
    expect(serverView.map((run) => [run.name, run.status])).toEqual([['distilled', 'FINISHED'], ['sweep', 'KILLED']]);
    expect(Object.keys(serverView[0]!.metrics).sort()).toEqual(['model/params', 'test/ece', 'test/nll', 'train/loss', 'val/accuracy']);
    expect(serverView.find((run) => run.name === 'distilled')!.tags['mlflow.parentRunId']).toBe('sweep');
    expect(serverView.find((run) => run.name === 'distilled')!.params['config']).toMatch(/\[truncated from 6100 characters; full value in artifact _full_values\/params\/config\.txt\]$/);

    const localDistilled = local.find((run) => run.info.runName === 'distilled')!;
    const serverDistilled = [...server.runs.values()].find((run) => run.info.run_name === 'distilled')!;
    for (const path of ['config.json', '_full_values/params/config.txt', '_full_values/tags/mlflow.note.content.txt']) {
      const localText = await readFile(join(fileURLToPath(localDistilled.info.artifactUri), path), 'utf8');
      const serverText = server.artifacts.get(`${serverDistilled.info.experiment_id}/${serverDistilled.info.run_id}/artifacts/${path}`)?.toString('utf8');
      expect(serverText, path).toBe(localText);
    }
  });
});
