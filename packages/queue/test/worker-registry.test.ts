import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  connectRedis,
  parseRedisUrl,
  SweepQueue,
  sweepProgress,
  waitForRedis,
  WORKER_GONE_AFTER_MS,
  WorkerRegistry,
  type SweepRecord,
  type WorkerInfo,
} from '@kdlab/queue';
import { describeWithRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';

const T = 1_800_000_000_000;

function info(host: string, pid: number, fields: Partial<WorkerInfo> = {}): WorkerInfo {
  return { id: `${host}:${pid}:${T}`, host, pid, backend: 'wasm', threads: 1, concurrency: 1, startedAt: T - 60_000, seenAt: 0, jobs: [], ...fields };
}

describeWithRedisServer('worker heartbeats on Redis (WorkerRegistry, sweepProgress)', () => {
  let server: RedisServer;
  let connection: Redis;
  let prefix: string;
  let registry: WorkerRegistry;
  let count = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    const location = parseRedisUrl(server.url);
    connection = connectRedis(location, 'worker-registry-test');
    await waitForRedis(connection, location);
  });
  afterAll(async () => {
    connection?.disconnect();
    await server?.remove();
  });
  beforeEach(() => {
    count += 1;
    prefix = `kdlab:registry-${count}`;
    registry = new WorkerRegistry(connection, prefix);
  });

  /** Writes a worker's entry as its heartbeat `seenAt` ms since the epoch would have. */
  const beatAt = (worker: WorkerInfo, seenAt: number, keys = prefix): Promise<number> => connection.hset(`${keys}:workers`, worker.id, JSON.stringify({ ...worker, seenAt }));
  const entryIds = async (): Promise<string[]> => (await connection.hkeys(`${prefix}:workers`)).sort();

  it('stamps each heartbeat with the time it was written, and lists the workers by host, then pid', async () => {
    const before = Date.now();
    await registry.beat(info('zeta', 2));
    await registry.beat(info('alpha', 9, { gpus: ['0', '1'], concurrency: 2 }));
    await registry.beat(info('alpha', 3, { jobs: [{ jobId: 'inv.trial-0', node: 'trial-0', sweepId: 's', startedAt: T }] }));
    const after = Date.now();
    const live = await registry.live(after);
    expect(live.map((w) => `${w.host}/${w.pid}`)).toEqual(['alpha/3', 'alpha/9', 'zeta/2']);
    for (const worker of live) {
      expect(worker.seenAt).toBeGreaterThanOrEqual(before);
      expect(worker.seenAt).toBeLessThanOrEqual(after);
    }
    expect(live[0]!.jobs).toEqual([{ jobId: 'inv.trial-0', node: 'trial-0', sweepId: 's', startedAt: T }]);
    expect(live[1]).toMatchObject({ gpus: ['0', '1'], concurrency: 2 });

    // A later heartbeat replaces the entry.
    await registry.beat(info('zeta', 2, { jobs: [{ jobId: 'inv.trial-1', node: 'trial-1', sweepId: 's', startedAt: T }] }));
    expect((await registry.live()).find((w) => w.host === 'zeta')!.jobs.map((job) => job.node)).toEqual(['trial-1']);
    await registry.remove(info('zeta', 2).id);
    expect((await registry.live()).map((w) => w.host)).toEqual(['alpha', 'alpha']);
  });

  it(`drops, and deletes, the entries older than WORKER_GONE_AFTER_MS (${WORKER_GONE_AFTER_MS} ms) at the time given`, async () => {
    const fresh = info('fresh', 1);
    const atLimit = info('at-limit', 2);
    const justGone = info('just-gone', 3);
    const longGone = info('long-gone', 4);
    await beatAt(fresh, T - 1000);
    await beatAt(atLimit, T - WORKER_GONE_AFTER_MS);
    await beatAt(justGone, T - WORKER_GONE_AFTER_MS - 1);
    await beatAt(longGone, T - 3_600_000);

    expect((await registry.live(T)).map((w) => w.host)).toEqual(['at-limit', 'fresh']);
    expect(await entryIds()).toEqual([atLimit.id, fresh.id].sort());
    expect((await registry.live(T + 1)).map((w) => w.host)).toEqual(['fresh']);
    expect(await entryIds()).toEqual([fresh.id]);
    // Time passes with no heartbeat: the last one goes too.
    expect(await registry.live(T - 1000 + WORKER_GONE_AFTER_MS + 1)).toEqual([]);
    expect(await entryIds()).toEqual([]);
  });

  it("keeps each queue's workers apart", async () => {
    await registry.beat(info('here', 1));
    const other = new WorkerRegistry(connection, `${prefix}-other`);
    await other.beat(info('there', 2));
    expect((await registry.live()).map((w) => w.host)).toEqual(['here']);
    expect((await other.live()).map((w) => w.host)).toEqual(['there']);
  });

  it("sweepProgress: counts the sweep's trial outcomes, the jobs its live workers run for this enqueueing, and the time left over their slots", async () => {
    const queue = new SweepQueue(connection, `progress-${count}`);
    try {
      const workers = new WorkerRegistry(connection, `kdlab:${queue.name}`);
      const record: SweepRecord = { sweepId: 'sweep-1', invocation: 'inv2', experimentName: 'e', parentRunId: 'a'.repeat(32), trials: 6, pending: 5, state: 'active', enqueuedAt: T };
      await queue.state.create(record, [], new Map());
      await queue.state.complete('inv2', 'teacher-aaaa', { ok: true, seconds: 1000 }); // not a trial: not counted
      await queue.state.complete('inv2', 'trial-0', { ok: true, seconds: 100 });
      await queue.state.complete('inv2', 'trial-1', { ok: true, seconds: 200 });
      await queue.state.complete('inv2', 'trial-2', { ok: false, message: 'NaN loss', seconds: 5 }); // failed: not in the mean
      const job = (node: string, invocation = 'inv2', sweepId = 'sweep-1') => ({ jobId: `${invocation}.${node}`, node, sweepId, startedAt: T - 10_000 });
      await workers.beat(info('gpu-a', 10, { concurrency: 2, jobs: [job('trial-3'), job('baseline-bbbb')] }));
      // A retried trial-1 (it has an outcome) and a job of an earlier enqueueing of the same sweep.
      await workers.beat(info('gpu-b', 20, { concurrency: 1, jobs: [job('trial-1'), job('trial-4', 'inv1')] }));
      await workers.beat(info('cpu-c', 30, { concurrency: 3, jobs: [job('trial-0', 'other-inv', 'other-sweep')] }));
      await beatAt(info('gone', 40, { concurrency: 8, jobs: [job('trial-4')] }), Date.now() - WORKER_GONE_AFTER_MS - 60_000, `kdlab:${queue.name}`);

      const progress = await sweepProgress(queue, record, Date.now());
      expect(progress.done).toBe(3);
      expect(progress.failed).toBe(1);
      expect(progress.running.map((r) => `${r.host}:${r.node}`)).toEqual(['gpu-a:trial-3', 'gpu-a:baseline-bbbb', 'gpu-b:trial-1']);
      expect(progress.workers.map((w) => w.host)).toEqual(['cpu-c', 'gpu-a', 'gpu-b']);
      // 5 pending - 3 done - 1 running (trial-3; trial-1 is done already) = 1 waiting.
      expect(progress.waiting).toBe(1);
      expect(progress.meanTrialSeconds).toBe(150);
      // (1 waiting + 1 running x 0.5) x 150 s over 2 + 1 + 3 slots.
      expect(progress.etaSeconds).toBeCloseTo((150 * 1.5) / 6, 10);
    } finally {
      await queue.close();
    }
  });

  it('sweepProgress: no time left is estimated before a trial has succeeded, and waiting never goes below 0', async () => {
    const queue = new SweepQueue(connection, `progress-empty-${count}`);
    try {
      const record: SweepRecord = { sweepId: 'sweep-2', invocation: 'inv3', experimentName: 'e', parentRunId: 'a'.repeat(32), trials: 2, pending: 1, state: 'active', enqueuedAt: T };
      await queue.state.create(record, [], new Map());
      let progress = await sweepProgress(queue, record, Date.now());
      expect(progress).toEqual({ record, done: 0, failed: 0, running: [], runningTrials: 0, waiting: 1, workers: [] });
      await queue.state.complete('inv3', 'trial-0', { ok: false, message: 'x' });
      await queue.state.complete('inv3', 'trial-1', { ok: false, message: 'y' }); // more outcomes than pending (an earlier enqueueing's)
      progress = await sweepProgress(queue, record, Date.now());
      expect(progress).toMatchObject({ done: 2, failed: 2, waiting: 0 });
      expect(progress.etaSeconds).toBeUndefined();
      expect(progress.meanTrialSeconds).toBeUndefined();
    } finally {
      await queue.close();
    }
  });
});

