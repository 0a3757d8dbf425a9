import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Model } from '@kdlab/core';
import { TrainedModelCache } from '@kdlab/runner';
import { CACHE_ENTRY_TAG, MlflowArtifactCache, MlflowServerTracker } from '@kdlab/tracking';
import { FakeMlflowServer } from '../packages/tracking/test/remote/support/fake-mlflow-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-remote-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let server: FakeMlflowServer;
const closers: (() => Promise<void>)[] = [];
let machines = 0;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await server.stop();
});

/** One machine: its own cache folder and its own client of the shared server; warnings collected. */
function machine(options: { remoteIntervalMs?: number } = {}): { cache: TrainedModelCache; warnings: string[] } {
  const remote = new MlflowArtifactCache({ trackingUri: server.url, client: { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, connectTimeoutMs: 1000 } });
  closers.push(() => remote.close());
  const warnings: string[] = [];
  const cache = new TrainedModelCache(join(scratch, `machine-${++machines}`), { remote, onWarning: (message) => warnings.push(message), ...options });
  return { cache, warnings };
}

/** A run logged to the server by a tracker, as a teacher's is; its id. */
async function teacherRun(): Promise<string> {
  const tracker = new MlflowServerTracker({ trackingUri: server.url, journalDir: join(scratch, `journal-${++machines}`), env: {}, client: { env: {} }, batchDelayMs: 5, onWarning: () => undefined });
  const run = await tracker.startRun({ experimentName: 'study', runName: 'teacher', tags: { 'kdlab.role': 'teacher' } });
  await run.end('FINISHED');
  await tracker.close();
  return run.runId;
}

function fakeModel(values: number[][]): Model {
  return { allVariables: () => values.map((v) => ({ shape: [v.length], dataSync: () => Float32Array.from(v) })) } as unknown as Model;
}

describe('the trained-model cache across machines, through MLflow run artifacts', () => {
  it('finds on machine B the teacher machine A trained, and only after A stored it', async () => {
    const a = machine();
    const b = machine();
    expect(await b.cache.load('teachers', 'k1')).toBeUndefined();
    const runId = await teacherRun();
    await a.cache.save('teachers', 'k1', fakeModel([[1, 2, 3], [4]]), { runId, name: 'teacher' }, { trainLogits: Float32Array.from([0.25, -0.5]) });
    expect(server.runs.get(runId)!.tags.get(CACHE_ENTRY_TAG)).toBe('teachers/k1');

    const found = await b.cache.load<{ runId: string }>('teachers', 'k1');
    expect(found?.summary.runId).toBe(runId);
    expect(found?.weights).toEqual([Float32Array.from([1, 2, 3]), Float32Array.from([4])]);
    expect(found?.arrays['trainLogits']).toEqual(Float32Array.from([0.25, -0.5]));
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('ends a wait on machine B when machine A stores the entry', async () => {
    const a = machine();
    const b = machine({ remoteIntervalMs: 20 });
    const runId = await teacherRun();
    const waiting = b.cache.waitFor('teachers', 'k2', { invocation: 'i', intervalMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await a.cache.save('teachers', 'k2', fakeModel([[5, 6]]), { runId }, {});
    await waiting;
    expect((await b.cache.load('teachers', 'k2'))?.weights).toEqual([Float32Array.from([5, 6])]);
  });

  it('misses with a warning while the server is down, and never fails the save', async () => {
    const a = machine();
    const runId = await teacherRun();
    await server.stop();
    expect(await a.cache.load('teachers', 'k3')).toBeUndefined();
    await a.cache.save('teachers', 'k3', fakeModel([[1]]), { runId }, {});
    expect(a.warnings).toHaveLength(2);
    expect(a.warnings[0]).toMatch(new RegExp(`^cannot look up teachers/k3 on MLflow server ${server.url} \\(run artifacts\\) \\(.+\\): treated as a miss`));
    expect(a.warnings[1]).toMatch(new RegExp(`^cannot publish teachers/k3 \\(run ${runId}\\) to MLflow server ${server.url} \\(run artifacts\\)`));
    // The local entry serves this machine.
    expect((await a.cache.load('teachers', 'k3'))?.weights).toEqual([Float32Array.from([1])]);
  });
});
