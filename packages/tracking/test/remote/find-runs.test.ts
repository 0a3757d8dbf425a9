import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MlflowServerTracker } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

const T0 = 1_700_000_000_000;
const SEARCH = '/api/2.0/mlflow/runs/search';
let server: FakeMlflowServer;
let temp: TempFolder;
const trackers: MlflowServerTracker[] = [];
const proxies: Server[] = [];

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-find-runs-');
});
afterEach(async () => {
  for (const tracker of trackers.splice(0)) await tracker.close();
  for (const proxy of proxies.splice(0)) await new Promise((resolve) => proxy.close(resolve));
  await server.stop();
  await temp.remove();
});

function openTracker(url = server.url): MlflowServerTracker {
  const { tracker } = testTracker(url, join(temp.path, 'journal'));
  trackers.push(tracker);
  return tracker;
}

/**
 * A proxy in front of the fake server that answers `runs/search` a page of `pageSize` runs at a time,
 * with MLflow's page tokens (the fake server answers one page), and passes every other request on.
 * Records the body of each search.
 */
async function pagingProxy(pageSize: number): Promise<{ url: string; searches: Record<string, unknown>[] }> {
  const searches: Record<string, unknown>[] = [];
  const proxy = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = request.url ?? '/';
      if (request.method === 'POST' && path.startsWith(SEARCH)) {
        const search = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        searches.push(search);
        const { page_token: token, max_results: _max, ...rest } = search;
        const all = (await (await fetch(`${server.url}${SEARCH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...rest, max_results: 1000 }) })).json()) as { runs?: unknown[] };
        const runs = all.runs ?? [];
        const offset = typeof token === 'string' ? (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: number }).offset : 0;
        const page = runs.slice(offset, offset + pageSize);
        const next = offset + pageSize < runs.length ? Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString('base64') : undefined;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...(page.length > 0 ? { runs: page } : {}), ...(next !== undefined ? { next_page_token: next } : {}) }));
        return;
      }
      const headers: Record<string, string> = {};
      if (typeof request.headers['content-type'] === 'string') headers['content-type'] = request.headers['content-type'];
      const forwarded = await fetch(`${server.url}${path}`, { method: request.method ?? 'GET', headers, ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }) });
      response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/octet-stream' }).end(Buffer.from(await forwarded.arrayBuffer()));
    })().catch((error: Error) => response.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  proxies.push(proxy);
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, searches };
}

/** Starts (and ends) a run with these tags; answers its server id. */
async function runWith(tracker: MlflowServerTracker, experimentName: string, runName: string, tags: Record<string, string>, status: 'FINISHED' | 'FAILED' | 'RUNNING' = 'FINISHED'): Promise<string> {
  const run = await tracker.startRun({ experimentName, runName, tags, startTime: T0 });
  if (status !== 'RUNNING') await run.end(status);
  return run.runId;
}

const HASH_A = '0123456789abcdef';
const HASH_B = 'fedcba9876543210';

describe('MlflowServerTracker.findRuns', () => {
  it('finds the runs of the experiment whose tags include every tag asked for, with their status and tags', async () => {
    const tracker = openTracker();
    const distilledA = await runWith(tracker, 'sweep', 'distilled-a', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    const failedA = await runWith(tracker, 'sweep', 'distilled-a-again', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A }, 'FAILED');
    const runningA = await runWith(tracker, 'sweep', 'distilled-a-now', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A, 'kdlab.job_id': 'inv.trial-0' }, 'RUNNING');
    await runWith(tracker, 'sweep', 'teacher-a', { 'kdlab.role': 'teacher', 'kdlab.config_hash': HASH_A });
    await runWith(tracker, 'sweep', 'distilled-b', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_B });
    await runWith(tracker, 'elsewhere', 'distilled-a', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    await tracker.flush();

    const found = await tracker.findRuns('sweep', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    expect(found.map((run) => run.runId).sort()).toEqual([distilledA, failedA, runningA].sort());
    const byId = new Map(found.map((run) => [run.runId, run]));
    expect(byId.get(distilledA)!.status).toBe('FINISHED');
    expect(byId.get(failedA)!.status).toBe('FAILED');
    expect(byId.get(runningA)!.status).toBe('RUNNING');
    expect(byId.get(runningA)!.tags).toMatchObject({ 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A, 'kdlab.job_id': 'inv.trial-0', 'mlflow.runName': 'distilled-a-now' });

    // Three tags: all must match.
    expect((await tracker.findRuns('sweep', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A, 'kdlab.job_id': 'inv.trial-0' })).map((run) => run.runId)).toEqual([runningA]);
    expect(await tracker.findRuns('sweep', { 'kdlab.role': 'baseline', 'kdlab.config_hash': HASH_A })).toEqual([]);
    // No tags: every run of the experiment.
    expect(await tracker.findRuns('sweep', {})).toHaveLength(5);
  });

  it('asks the server to filter on the most selective tag (the longest value) and checks the others itself', async () => {
    const tracker = openTracker();
    await runWith(tracker, 'sweep', 'r', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    await tracker.flush();
    const before = server.requestsTo('runs/search').length;
    await tracker.findRuns('sweep', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    const searches = server.requestsTo('runs/search').slice(before).map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ filter: `tags.\`kdlab.config_hash\` = '${HASH_A}'` });
  });

  it('answers [] for an experiment the server does not have, without searching', async () => {
    const tracker = openTracker();
    await runWith(tracker, 'sweep', 'r', { 'kdlab.role': 'distilled' });
    await tracker.flush();
    const before = server.requestsTo('runs/search').length;
    expect(await tracker.findRuns('no-such-experiment', { 'kdlab.role': 'distilled' })).toEqual([]);
    expect(server.requestsTo('runs/search').length).toBe(before);
  });

  it('reads every page of the search', async () => {
    const proxy = await pagingProxy(2);
    const tracker = openTracker(proxy.url);
    const expected: string[] = [];
    for (let i = 0; i < 5; i += 1) expected.push(await runWith(tracker, 'paged', `distilled-${i}`, { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A }));
    for (let i = 0; i < 2; i += 1) await runWith(tracker, 'paged', `teacher-${i}`, { 'kdlab.role': 'teacher', 'kdlab.config_hash': HASH_A });
    await tracker.flush();

    const found = await tracker.findRuns('paged', { 'kdlab.role': 'distilled', 'kdlab.config_hash': HASH_A });
    expect(found.map((run) => run.runId).sort()).toEqual(expected.sort());
    // 7 runs carry the hash the server filters on: pages of 2, 2, 2 and 1, each after the previous page's token.
    expect(proxy.searches).toHaveLength(4);
    expect(proxy.searches[0]!['page_token']).toBeUndefined();
    expect(proxy.searches.slice(1).every((search) => typeof search['page_token'] === 'string')).toBe(true);
  });
});
