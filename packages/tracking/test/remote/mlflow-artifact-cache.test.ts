import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient } from '@kdlab/mlflow';
import { CACHE_ENTRY_TAG, createModelCacheRemote, isServerUnavailable, MlflowArtifactCache, type MlflowArtifactCacheOptions } from '@kdlab/tracking';
import { FakeMlflowServer, type StoredExperiment } from './support/fake-mlflow-server.js';

let server: FakeMlflowServer;
let client: MlflowClient;
const caches: MlflowArtifactCache[] = [];

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  client = new MlflowClient({ trackingUri: server.url, env: {}, retry: false });
});
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  await client.close();
  await server.stop();
});

/** A cache tier on the fake server, as another machine would make it: its own client, no `MLFLOW_*` from this process's environment. */
function machine(options: Partial<MlflowArtifactCacheOptions> = {}): MlflowArtifactCache {
  const cache = new MlflowArtifactCache({ trackingUri: server.url, client: { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, connectTimeoutMs: 1000 }, ...options });
  caches.push(cache);
  return cache;
}

/** A run on the fake server (as the tracker creates them), in an experiment of this name. */
async function newRun(experimentName = 'study', startTime = Date.now()): Promise<string> {
  const experiment = await client.experiments.getOrCreate(experimentName);
  return (await client.runs.create({ experimentId: experiment.experimentId, runName: 'teacher', startTime })).info.runId;
}

function files(text: string, values: number[]): { manifest: Uint8Array; data: Uint8Array } {
  return { manifest: new TextEncoder().encode(text), data: new Uint8Array(Float32Array.from(values).buffer) };
}

const requestIndex = (method: string, suffix: string): number => server.requests.findIndex((request) => request.method === method && request.path.endsWith(suffix));

describe('MlflowArtifactCache', () => {
  it('publishes an entry as a run\'s artifacts, then tags the run; another client fetches it byte for byte', async () => {
    const runId = await newRun();
    const entry = files('{"key":"abc123"}', [1, 2, 3.5]);
    await machine().publish('teachers', 'abc123', runId, entry);

    const run = server.runs.get(runId)!;
    expect(run.tags.get(CACHE_ENTRY_TAG)).toBe('teachers/abc123');
    const root = `${run.info.experiment_id}/${runId}/artifacts/kdlab-cache/teachers/abc123`;
    expect([...server.artifacts.keys()].sort()).toEqual([`${root}/data.bin`, `${root}/manifest.json`]);
    // The tag only after both files.
    const tagAt = requestIndex('POST', 'runs/set-tag');
    expect(tagAt).toBeGreaterThan(requestIndex('PUT', '/kdlab-cache/teachers/abc123/data.bin'));
    expect(tagAt).toBeGreaterThan(requestIndex('PUT', '/kdlab-cache/teachers/abc123/manifest.json'));

    const fetched = await machine().fetch('teachers', 'abc123');
    expect(fetched).toBeDefined();
    expect(Buffer.from(fetched!.manifest)).toEqual(Buffer.from(entry.manifest));
    expect(Buffer.from(fetched!.data)).toEqual(Buffer.from(entry.data));
    // Another kind, or another key, is not that entry.
    expect(await machine().fetch('baselines', 'abc123')).toBeUndefined();
    expect(await machine().fetch('teachers', 'abc124')).toBeUndefined();
  });

  it('sets no tag when a file failed to upload, so that the half-stored entry is never found', async () => {
    const runId = await newRun();
    server.failWhen = (request) => request.method === 'PUT' && request.path.endsWith('/manifest.json');
    await expect(machine().publish('teachers', 'k1', runId, files('{}', [1]))).rejects.toThrow(/503|TEMPORARILY_UNAVAILABLE/);
    server.failWhen = undefined;
    expect(server.runs.get(runId)!.tags.has(CACHE_ENTRY_TAG)).toBe(false);
    expect(server.requestsTo('runs/set-tag')).toHaveLength(0);
    expect(await machine().fetch('teachers', 'k1')).toBeUndefined();
  });

  it('answers undefined for an entry no run holds, with or without experiments on the server', async () => {
    expect(await machine().fetch('teachers', 'nothing')).toBeUndefined();
    await newRun();
    expect(await machine().fetch('teachers', 'nothing')).toBeUndefined();
  });

  it('takes the newest tagged run, and an older one when the newest one\'s files are gone', async () => {
    const older = await newRun('study', 1_000);
    const newer = await newRun('other study', 2_000);
    await machine().publish('teachers', 'k', older, files('{"run":"older"}', [1]));
    await machine().publish('teachers', 'k', newer, files('{"run":"newer"}', [2]));
    expect(new TextDecoder().decode((await machine().fetch('teachers', 'k'))!.manifest)).toBe('{"run":"newer"}');
    for (const key of [...server.artifacts.keys()]) if (key.includes(newer)) server.artifacts.delete(key);
    expect(new TextDecoder().decode((await machine().fetch('teachers', 'k'))!.manifest)).toBe('{"run":"older"}');
  });

  it('searches every experiment (listed page by page) and reuses the list for a while', async () => {
    // 1500 experiments: two pages of experiments/search, fifteen runs/search requests.
    const now = Date.now();
    for (let id = 1000; id < 2500; id++) {
      const experiment: StoredExperiment = { experiment_id: String(id), name: `e${id}`, artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active', creation_time: now, last_update_time: now };
      server.experiments.set(experiment.experiment_id, experiment);
    }
    const runId = (await client.runs.create({ experimentId: '2499', runName: 'teacher' })).info.runId;
    await machine().publish('teachers', 'far', runId, files('{"far":true}', [1]));
    const cache = machine();
    expect(await cache.fetch('teachers', 'far')).toBeDefined();
    expect(server.requestsTo('experiments/search')).toHaveLength(2);
    expect(server.requestsTo('runs/search')).toHaveLength(15);
    expect(await cache.fetch('teachers', 'far')).toBeDefined();
    expect(server.requestsTo('experiments/search')).toHaveLength(2);

  });

  it('never misses an entry because its list of experiments is an old one', async () => {
    const early = await newRun('created early');
    const cache = machine();
    expect(await cache.fetch('teachers', 'late')).toBeUndefined();
    const late = await newRun('created later');
    await machine().publish('teachers', 'late', late, files('{"late":true}', [1]));
    const searches = server.requestsTo('runs/search').length;
    const listings = server.requestsTo('experiments/search').length;
    expect(await cache.fetch('teachers', 'late')).toBeDefined();
    // The reused list first (a miss), then, listed again, the experiment created since, alone.
    const searched = server.requestsTo('runs/search').slice(searches).map((request) => (JSON.parse(request.body.toString()) as { experiment_ids: string[] }).experiment_ids);
    expect(searched).toEqual([[server.runs.get(early)!.info.experiment_id], [server.runs.get(late)!.info.experiment_id]]);
    expect(server.requestsTo('experiments/search')).toHaveLength(listings + 1);
  });

  it('throws when the server is down (the cache then warns and misses), and works again when it is back', async () => {
    const runId = await newRun();
    const cache = machine();
    await cache.publish('teachers', 'k', runId, files('{}', [1]));
    await server.stop();
    const error = await cache.fetch('teachers', 'k').then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    expect(isServerUnavailable(error)).toBe(true);
    await expect(cache.publish('teachers', 'k2', runId, files('{}', [1]))).rejects.toThrow();
    await server.listen();
    expect(await cache.fetch('teachers', 'k')).toBeDefined();
  });

  it('refuses a kind or key that is not a plain name', async () => {
    const cache = machine();
    await expect(cache.fetch('teachers', "x' OR 1=1")).rejects.toThrow(/key must be/);
    await expect(cache.publish('../teachers', 'k', 'a'.repeat(32), files('{}', []))).rejects.toThrow(/kind must be/);
    expect(server.requests).toHaveLength(0);
  });

  it('sends credentials from the environment and never shows them', async () => {
    const password = 'pw-SECRET-1717';
    const uriPassword = 'uri-SECRET-9090';
    const cache = machine({ trackingUri: server.url.replace('http://', `http://uri-user:${uriPassword}@`), client: { env: { MLFLOW_TRACKING_USERNAME: 'robot', MLFLOW_TRACKING_PASSWORD: password } } });
    expect(await cache.fetch('teachers', 'k')).toBeUndefined();
    expect(server.requests.at(-1)!.headers.authorization).toMatch(/^Basic /);
    const shown = [cache.description, JSON.stringify(cache), inspect(cache, { depth: 5 }), String(cache)].join('\n');
    expect(cache.description).toBe(`MLflow server ${server.url} (run artifacts)`);
    for (const secret of [password, uriPassword]) expect(shown).not.toContain(secret);
  });
});

describe('createModelCacheRemote', () => {
  it('offers the MLflow run artifacts for an http(s) server, nothing for a local store', async () => {
    expect(createModelCacheRemote(undefined)).toBeUndefined();
    expect(createModelCacheRemote('')).toBeUndefined();
    expect(createModelCacheRemote('./mlruns')).toBeUndefined();
    expect(createModelCacheRemote('file:///tmp/mlruns')).toBeUndefined();
    const remote = createModelCacheRemote('https://mlflow.example.org:5000', { client: { env: {} } });
    expect(remote).toBeInstanceOf(MlflowArtifactCache);
    expect(remote!.description).toBe('MLflow server https://mlflow.example.org:5000 (run artifacts)');
    await remote!.close();
  });
});
