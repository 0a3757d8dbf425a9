import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheEntryFiles, Model, ModelCacheRemote } from '@kdlab/core';
import { TrainedModelCache, type TrainedModelCacheOptions } from '@kdlab/runner';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-cache-remote-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;

/** A remote tier in memory, shared by the "machines" of a test; it can be made to fail. */
class MemoryRemote implements ModelCacheRemote {
  readonly description = 'memory remote';
  readonly entries = new Map<string, CacheEntryFiles & { runId: string }>();
  readonly calls: string[] = [];
  down = false;

  async fetch(kind: string, key: string): Promise<CacheEntryFiles | undefined> {
    this.calls.push(`fetch ${kind}/${key}`);
    if (this.down) throw new Error('connect ECONNREFUSED 10.0.0.1:5000');
    const entry = this.entries.get(`${kind}/${key}`);
    return entry && { manifest: entry.manifest.slice(), data: entry.data.slice() };
  }

  async publish(kind: string, key: string, runId: string, files: CacheEntryFiles): Promise<void> {
    this.calls.push(`publish ${kind}/${key} ${runId}`);
    if (this.down) throw new Error('connect ECONNREFUSED 10.0.0.1:5000');
    this.entries.set(`${kind}/${key}`, { ...files, runId });
  }
}

/** A cache in a folder of its own (one machine's disk) on the shared remote, collecting its warnings. */
function machine(remote: ModelCacheRemote | undefined, options: TrainedModelCacheOptions = {}): { cache: TrainedModelCache; warnings: string[] } {
  const warnings: string[] = [];
  const cache = new TrainedModelCache(join(scratch, `machine-${++folders}`), { ...(remote ? { remote } : {}), onWarning: (message) => warnings.push(message), ...options });
  return { cache, warnings };
}

/** What `save` reads of a model: its variables' shapes and values. */
function fakeModel(values: number[][]): Model {
  return { allVariables: () => values.map((v) => ({ shape: [v.length], dataSync: () => Float32Array.from(v) })) } as unknown as Model;
}

const summary = { runId: 'a'.repeat(32), name: 'teacher' };
const trainLogits = Float32Array.from([0.5, -1, 2, 3]);

describe('TrainedModelCache with a remote tier', () => {
  it('misses everywhere, then finds on machine B what machine A stored (and keeps it on B\'s disk)', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    const b = machine(remote);
    expect(await a.cache.load('teachers', 'k1')).toBeUndefined();
    expect(await b.cache.load('teachers', 'k1')).toBeUndefined();
    await a.cache.save('teachers', 'k1', fakeModel([[1, 2], [3]]), summary, { trainLogits });
    expect(remote.calls).toContain(`publish teachers/k1 ${summary.runId}`);

    const found = await b.cache.load<typeof summary>('teachers', 'k1');
    expect(found?.summary).toEqual(summary);
    expect(found?.weights).toEqual([Float32Array.from([1, 2]), Float32Array.from([3])]);
    expect(found?.arrays['trainLogits']).toEqual(trainLogits);
    // Stored in B's folder, complete (no temporary folder left), and read from there next time.
    expect(readdirSync(join(b.cache.root, 'teachers'))).toEqual(['k1']);
    expect(JSON.parse(readFileSync(join(b.cache.root, 'teachers', 'k1', 'manifest.json'), 'utf8')).key).toBe('k1');
    remote.down = true;
    expect((await b.cache.load<typeof summary>('teachers', 'k1'))?.summary).toEqual(summary);
    expect(b.warnings).toEqual([]);
  });

  it('looks no further than the local folder on a local hit', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    await a.cache.save('baselines', 'b1', undefined, summary);
    remote.calls.length = 0;
    expect((await a.cache.load('baselines', 'b1'))?.summary).toEqual(summary);
    expect(remote.calls).toEqual([]);
  });

  it('publishes only an entry whose summary names its run', async () => {
    const remote = new MemoryRemote();
    await machine(remote).cache.save('baselines', 'b2', undefined, { name: 'no run id' });
    await machine(remote).cache.save('baselines', 'b3', undefined, { runId: 42 });
    expect(remote.calls).toEqual([]);
  });

  it('ignores a corrupt remote entry with a warning, and stores nothing of it', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    await a.cache.save('teachers', 'k2', fakeModel([[1, 2, 3, 4]]), summary, { trainLogits });
    const good = remote.entries.get('teachers/k2')!;
    const corruptions: [string, CacheEntryFiles][] = [
      ['truncated data', { manifest: good.manifest, data: good.data.slice(0, 12) }],
      ['manifest not JSON', { manifest: new TextEncoder().encode('{"version":1,'), data: good.data }],
      ['another key', { manifest: new TextEncoder().encode(new TextDecoder().decode(good.manifest).replace('"key":"k2"', '"key":"k3"')), data: good.data }],
      ['another version', { manifest: new TextEncoder().encode(new TextDecoder().decode(good.manifest).replace('"version":1', '"version":0')), data: good.data }],
      ['bad layout', { manifest: new TextEncoder().encode(JSON.stringify({ version: 1, key: 'k2', summary, variables: [{ shape: [3], offset: 0, size: 4 }], arrays: {} })), data: good.data }],
    ];
    for (const [what, files] of corruptions) {
      remote.entries.set('teachers/k2', { ...files, runId: summary.runId });
      const b = machine(remote);
      expect(await b.cache.load('teachers', 'k2'), what).toBeUndefined();
      expect(b.warnings, what).toHaveLength(1);
      expect(b.warnings[0], what).toMatch(/^ignoring the entry teachers\/k2 of memory remote: /);
      expect(existsSync(b.cache.root), what).toBe(false);
    }
  });

  it('treats an unreachable remote as a miss with one warning, and warns again only after it answered', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    remote.down = true;
    expect(await a.cache.load('teachers', 'x1')).toBeUndefined();
    expect(await a.cache.load('teachers', 'x2')).toBeUndefined();
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]).toMatch(/^cannot look up teachers\/x1 on memory remote \(connect ECONNREFUSED 10\.0\.0\.1:5000\): treated as a miss/);
    remote.down = false;
    expect(await a.cache.load('teachers', 'x1')).toBeUndefined();
    remote.down = true;
    expect(await a.cache.load('teachers', 'x1')).toBeUndefined();
    expect(a.warnings).toHaveLength(2);
  });

  it('warns when publishing fails, and keeps the entry locally', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    remote.down = true;
    await a.cache.save('teachers', 'k4', fakeModel([[1]]), summary, { trainLogits });
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]).toMatch(new RegExp(`^cannot publish teachers/k4 \\(run ${summary.runId}\\) to memory remote \\(connect ECONNREFUSED`));
    expect((await a.cache.load('teachers', 'k4'))?.summary).toEqual(summary);
  });

  it('ends a wait when another machine stores the entry, looking at the remote at most every remoteIntervalMs', async () => {
    const remote = new MemoryRemote();
    const a = machine(remote);
    const b = machine(remote, { remoteIntervalMs: 50 });
    let done = false;
    const waiting = b.cache.waitFor('teachers', 'k5', { invocation: 'i', intervalMs: 5 }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 140));
    expect(done).toBe(false);
    const looks = remote.calls.filter((call) => call === 'fetch teachers/k5').length;
    expect(looks).toBeGreaterThanOrEqual(2);
    expect(looks).toBeLessThanOrEqual(4);
    await a.cache.save('teachers', 'k5', fakeModel([[7, 8]]), summary, { trainLogits });
    await waiting;
    expect((await b.cache.load('teachers', 'k5'))?.weights).toEqual([Float32Array.from([7, 8])]);
    expect(b.warnings).toEqual([]);
  });

  it('keeps waiting through a remote outage, and still stops on a failure recorded locally or an abort', async () => {
    const remote = new MemoryRemote();
    remote.down = true;
    const b = machine(remote, { remoteIntervalMs: 10 });
    const failed = b.cache.waitFor('teachers', 'k6', { invocation: 'i', intervalMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.cache.markFailed('teachers', 'k6', { invocation: 'i', message: 'out of memory' });
    await expect(failed).rejects.toThrow(/out of memory/);
    expect(b.warnings).toHaveLength(1);
    const abort = new AbortController();
    const aborted = b.cache.waitFor('teachers', 'k7', { invocation: 'i', intervalMs: 5, signal: abort.signal });
    abort.abort(new Error('stopped'));
    await expect(aborted).rejects.toThrow(/stopped/);
  });

  it('works as before without a remote: new TrainedModelCache(root)', async () => {
    const cache = new TrainedModelCache(join(scratch, 'plain'));
    expect(cache.remote).toBeUndefined();
    await cache.save('teachers', 'k8', fakeModel([[1, 2]]), summary, { trainLogits });
    expect((await cache.load('teachers', 'k8'))?.arrays['trainLogits']).toEqual(trainLogits);
    await cache.waitFor('teachers', 'k8', { invocation: 'i' });
  });
});
