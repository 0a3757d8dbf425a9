import type { Redis } from 'ioredis';
import type { JobNode } from '../graph/job-graph.js';
import type { JobOutcome, JobPayload } from '../graph/job-payload.js';

/** A sweep as recorded in Redis: one enqueueing of it. */
export interface SweepRecord {
  /** The sweep's id. */
  sweepId: string;
  /** The enqueueing (its jobs' ids start with it). */
  invocation: string;
  /** The MLflow experiment. */
  experimentName: string;
  /** The parent run. */
  parentRunId: string;
  /** The tracking URI, without credentials. */
  trackingUri?: string;
  /** Trials in the sweep. */
  trials: number;
  /** Trials enqueued (the others had finished earlier). */
  pending: number;
  /** `active` until its `finish` job ends it `finished` or `failed`. */
  state: 'active' | 'finished' | 'failed';
  /** When it was enqueued (ms since the epoch). */
  enqueuedAt: number;
  /** When it ended. */
  endedAt?: number;
}

// Records a job's outcome (the first one stands) and returns the dependents whose every dependency now
// has an outcome. Idempotent: a job that completes twice (a retry after a crash) releases the same
// dependents again, and adding them again is a no-op (their job ids are taken).
const COMPLETE_SCRIPT = `
local p = KEYS[1]
redis.call('HSETNX', p .. 'outcomes', ARGV[1], ARGV[2])
local released = {}
for _, d in ipairs(redis.call('SMEMBERS', p .. 'dependents:' .. ARGV[1])) do
  redis.call('SADD', p .. 'satisfied:' .. d, ARGV[1])
  local need = tonumber(redis.call('HGET', p .. 'needs', d))
  if redis.call('SCARD', p .. 'satisfied:' .. d) >= need then table.insert(released, d) end
end
return released
`;

/**
 * A queue's sweep bookkeeping in Redis, beside BullMQ's own keys: the sweeps (`<prefix>:sweep:<id>`)
 * and, per enqueueing, each job's payload, dependencies, dependents and outcome
 * (`<prefix>:inv:<invocation>:...`). Dependencies are released by the job that completes last, in one
 * atomic script, so that any process may die at any point without a job being lost: a job that
 * completed is never released twice into running (BullMQ keeps job ids unique), and a job killed
 * before it recorded its outcome runs again.
 */
export class SweepState {
  /**
   * @param redis - a connection (not one a BullMQ worker blocks on).
   * @param prefix - the keys' prefix (`kdlab:<queue name>`).
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #sweepKey(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}`;
  }

  #inv(invocation: string): string {
    return `${this.prefix}:inv:${invocation}:`;
  }

  /** The sweep's latest record, or undefined. */
  async sweep(sweepId: string): Promise<SweepRecord | undefined> {
    const text = await this.redis.get(this.#sweepKey(sweepId));
    return text === null ? undefined : (JSON.parse(text) as SweepRecord);
  }

  /** Every sweep recorded on this queue, newest first. */
  async sweeps(): Promise<SweepRecord[]> {
    const ids = await this.redis.smembers(`${this.prefix}:sweeps`);
    const records = await Promise.all(ids.map((id) => this.sweep(id)));
    return records.filter((r): r is SweepRecord => r !== undefined).sort((a, b) => b.enqueuedAt - a.enqueuedAt);
  }

  /**
   * Records a sweep and its jobs (payloads, dependencies, dependents) in one transaction, before any
   * of its jobs is added to the queue.
   */
  async create(record: SweepRecord, nodes: readonly JobNode[], payloads: ReadonlyMap<string, JobPayload>): Promise<void> {
    const p = this.#inv(record.invocation);
    const multi = this.redis.multi();
    for (const node of nodes) {
      multi.hset(`${p}payloads`, node.id, JSON.stringify(payloads.get(node.id)));
      multi.hset(`${p}needs`, node.id, String(node.deps.length));
      multi.hset(`${p}deps`, node.id, JSON.stringify(node.deps));
      for (const dep of node.deps) multi.sadd(`${p}dependents:${dep}`, node.id);
    }
    multi.set(this.#sweepKey(record.sweepId), JSON.stringify(record));
    multi.sadd(`${this.prefix}:sweeps`, record.sweepId);
    await multi.exec();
  }

  /** Replaces a sweep's record (its state at the end). */
  async update(record: SweepRecord): Promise<void> {
    await this.redis.set(this.#sweepKey(record.sweepId), JSON.stringify(record));
  }

  /** The payload of a job of an enqueueing. */
  async payload(invocation: string, node: string): Promise<JobPayload> {
    const text = await this.redis.hget(`${this.#inv(invocation)}payloads`, node);
    if (text === null) throw new Error(`No job "${node}" is recorded for sweep invocation ${invocation} (was Redis flushed?).`);
    return JSON.parse(text) as JobPayload;
  }

  /** The jobs of an enqueueing that wait for nothing (its teachers): the first ones added to the queue. */
  async roots(invocation: string): Promise<string[]> {
    const needs = await this.redis.hgetall(`${this.#inv(invocation)}needs`);
    return Object.entries(needs)
      .filter(([, count]) => count === '0')
      .map(([node]) => node);
  }

  /** The jobs a job waits for. */
  async deps(invocation: string, node: string): Promise<string[]> {
    const text = await this.redis.hget(`${this.#inv(invocation)}deps`, node);
    return text === null ? [] : (JSON.parse(text) as string[]);
  }

  /**
   * Records a job's outcome and answers the dependents that it released (all their dependencies have
   * an outcome now). Atomic; calling it again for the same job is harmless.
   */
  async complete(invocation: string, node: string, outcome: JobOutcome): Promise<string[]> {
    return (await this.redis.eval(COMPLETE_SCRIPT, 1, this.#inv(invocation), node, JSON.stringify(outcome))) as string[];
  }

  /** Every outcome recorded so far, by job id. */
  async outcomes(invocation: string): Promise<Map<string, JobOutcome>> {
    const all = await this.redis.hgetall(`${this.#inv(invocation)}outcomes`);
    return new Map(Object.entries(all).map(([node, text]) => [node, JSON.parse(text) as JobOutcome]));
  }

  /**
   * Lets an ended enqueueing's records (payloads, dependencies, outcomes) expire after `seconds`, as
   * BullMQ drops its finished jobs; the sweep's own record stays (it is what a later `kdlab run --queue`
   * finds).
   */
  async expire(invocation: string, seconds: number): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.#inv(invocation)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        const multi = this.redis.multi();
        for (const key of keys) multi.expire(key, seconds);
        await multi.exec();
      }
    } while (cursor !== '0');
  }

  /** The outcome of one job, or undefined while it has none. */
  async outcome(invocation: string, node: string): Promise<JobOutcome | undefined> {
    const text = await this.redis.hget(`${this.#inv(invocation)}outcomes`, node);
    return text === null ? undefined : (JSON.parse(text) as JobOutcome);
  }
}
