import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { newInvocationId, sweepBaselineKey, sweepTeacherKey, type ResolvedTrial } from '@kdlab/runner';
import {
  buildJobGraph,
  connectRedis,
  JOB_OPTIONS,
  JOB_PAYLOAD_FORMAT,
  jobIdOf,
  parseRedisUrl,
  SweepQueue,
  waitForRedis,
  type JobGraph,
  type JobOutcome,
  type JobPayload,
  type SweepAddress,
  type SweepRecord,
} from '@kdlab/queue';
import { describeWithRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';
import { trialOf } from './support/trials.js';

const teacherOf = (t: ResolvedTrial): string => `teacher-${sweepTeacherKey(t)}`;
const baselineOf = (t: ResolvedTrial): string => `baseline-${sweepBaselineKey(t)}`;
const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/**
 * Three trials: 0 and 1 share teacher A (seed 0) and baseline A; 2 has teacher B (seed 1) and baseline B.
 * Jobs: teacher A, teacher B, baseline A, baseline B, trial-0, trial-1, trial-2, finish.
 */
const TRIALS = [trialOf(0, { seed: 0, temperature: 2 }), trialOf(1, { seed: 0, temperature: 8 }), trialOf(2, { seed: 1, temperature: 2 })];
const [T0, , T2] = TRIALS;
const TEACHER_A = teacherOf(T0!);
const TEACHER_B = teacherOf(T2!);
const BASELINE_A = baselineOf(T0!);
const BASELINE_B = baselineOf(T2!);

/** A sweep as `enqueueSweep` records it: its record, its graph and a payload per job (the fields these tests read). */
function sweepOf(trials: readonly ResolvedTrial[] = TRIALS): { record: SweepRecord; graph: JobGraph; payloads: Map<string, JobPayload> } {
  const invocation = newInvocationId();
  const record: SweepRecord = {
    sweepId: `sweep-${invocation.slice(0, 8)}`,
    invocation,
    experimentName: 'queue-sweep',
    parentRunId: 'b'.repeat(32),
    trials: trials.length,
    pending: trials.length,
    state: 'active',
    enqueuedAt: Date.now(),
  };
  const address: SweepAddress = { sweepId: record.sweepId, invocation, experimentName: record.experimentName, parentRunId: record.parentRunId };
  const graph = buildJobGraph(trials);
  const payloads = new Map(graph.nodes.map((node): [string, JobPayload] => [node.id, { format: JOB_PAYLOAD_FORMAT, sweep: address, node: node.id, kind: node.kind }]));
  return { record, graph, payloads };
}

const ok = (worker = 'host-a'): JobOutcome => ({ ok: true, seconds: 1.5, worker });

describeWithRedisServer('sweep bookkeeping on Redis (SweepState, SweepQueue)', () => {
  let server: RedisServer;
  let connection: Redis;
  let queue: SweepQueue;
  let queueCount = 0;
  const workers: Worker[] = [];
  const extraConnections: Redis[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    const location = parseRedisUrl(server.url);
    connection = connectRedis(location, 'sweep-state-test');
    await waitForRedis(connection, location);
  });
  afterAll(async () => {
    connection?.disconnect();
    await server?.remove();
  });
  beforeEach(() => {
    queueCount += 1;
    queue = new SweepQueue(connection, `test-${queueCount}`);
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close(true);
    for (const extra of extraConnections.splice(0)) extra.disconnect();
    await queue.close();
  });

  /** The sweep recorded in Redis and its first jobs (the teachers) added, as `enqueueSweep` does. */
  async function enqueued(trials: readonly ResolvedTrial[] = TRIALS): Promise<ReturnType<typeof sweepOf>> {
    const sweep = sweepOf(trials);
    await queue.state.create(sweep.record, sweep.graph.nodes, sweep.payloads);
    for (const node of sweep.graph.nodes) if (node.deps.length === 0) await queue.add(sweep.record.invocation, node.id, sweep.payloads.get(node.id));
    return sweep;
  }

  /** The BullMQ job of a sweep job, with its state, or undefined when none was added. */
  async function bullJob(invocation: string, node: string): Promise<{ name: string; data: JobPayload; state: string } | undefined> {
    const job = await queue.queue.getJob(jobIdOf(invocation, node));
    if (job === undefined) return undefined;
    return { name: job.name, data: job.data as JobPayload, state: await job.getState() };
  }

  /** The ids (within the sweep) of the jobs BullMQ holds, in any state. */
  async function bullNodes(invocation: string): Promise<string[]> {
    const jobs = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children']);
    return sorted(jobs.map((job) => job.id!).filter((id) => id.startsWith(`${invocation}.`)).map((id) => id.slice(invocation.length + 1)));
  }

  it('records a sweep, its payloads and dependencies in one go', async () => {
    const { record, payloads } = sweepOf();
    const graph = buildJobGraph(TRIALS);
    await queue.state.create(record, graph.nodes, payloads);
    expect(await queue.state.sweep(record.sweepId)).toEqual(record);
    expect(await queue.state.sweeps()).toEqual([record]);
    expect(await queue.state.payload(record.invocation, 'trial-1')).toEqual(payloads.get('trial-1'));
    expect(await queue.state.deps(record.invocation, 'trial-1')).toEqual([TEACHER_A, BASELINE_A]);
    expect(await queue.state.deps(record.invocation, 'finish')).toEqual(['trial-0', 'trial-1', 'trial-2']);
    expect(await queue.state.deps(record.invocation, TEACHER_A)).toEqual([]);
    expect(await queue.state.outcomes(record.invocation)).toEqual(new Map());
    await expect(queue.state.payload(record.invocation, 'trial-9')).rejects.toThrow(`No job "trial-9" is recorded for sweep invocation ${record.invocation} (was Redis flushed?).`);
    await queue.state.update({ ...record, state: 'finished', endedAt: record.enqueuedAt + 5 });
    expect(await queue.state.sweep(record.sweepId)).toMatchObject({ state: 'finished', endedAt: record.enqueuedAt + 5 });
    expect(await queue.state.sweep('no-such-sweep')).toBeUndefined();
  });

  it('lists the jobs that wait for nothing (the teachers), and lets an ended enqueueing\'s records expire but not the sweep\'s record', async () => {
    const { record, graph, payloads } = sweepOf();
    await queue.state.create(record, graph.nodes, payloads);
    expect(sorted(await queue.state.roots(record.invocation))).toEqual(sorted([TEACHER_A, TEACHER_B]));
    await queue.state.complete(record.invocation, TEACHER_A, ok());
    await queue.state.expire(record.invocation, 3600);
    const keys = await connection.keys(`kdlab:${queue.name}:inv:${record.invocation}:*`);
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) {
      const ttl = await connection.ttl(key);
      expect(ttl, key).toBeGreaterThan(3500);
      expect(ttl, key).toBeLessThanOrEqual(3600);
    }
    expect(await connection.ttl(`kdlab:${queue.name}:sweep:${record.sweepId}`)).toBe(-1);
  });

  it('releases a job only once every job it waits for has an outcome', async () => {
    const { record, graph, payloads } = sweepOf();
    await queue.state.create(record, graph.nodes, payloads);
    const complete = async (node: string): Promise<string[]> => sorted(await queue.state.complete(record.invocation, node, ok()));
    expect(await complete(TEACHER_A)).toEqual([BASELINE_A]); // trials 0 and 1 also wait for baseline A
    expect(await complete(BASELINE_A)).toEqual(['trial-0', 'trial-1']);
    expect(await complete('trial-0')).toEqual([]); // finish waits for every trial
    expect(await complete(TEACHER_B)).toEqual([BASELINE_B]);
    expect(await complete('trial-1')).toEqual([]);
    expect(await complete(BASELINE_B)).toEqual(['trial-2']);
    expect(await complete('trial-2')).toEqual(['finish']);
    expect(await complete('finish')).toEqual([]);
    const outcomes = await queue.state.outcomes(record.invocation);
    expect(sorted([...outcomes.keys()])).toEqual(sorted(graph.nodes.map((node) => node.id)));
    expect(outcomes.get('trial-2')).toEqual(ok());
    expect(await queue.state.outcome(record.invocation, 'trial-2')).toEqual(ok());
    expect(await queue.state.outcome(record.invocation, 'nothing')).toBeUndefined();
  });

  it('is idempotent: the first outcome stands, the same dependents are released again, and a repeat does not stand in for another dependency', async () => {
    const { record, graph, payloads } = sweepOf();
    await queue.state.create(record, graph.nodes, payloads);
    expect(await queue.state.complete(record.invocation, TEACHER_A, ok('first'))).toEqual([BASELINE_A]);
    // A retry after a crash between the outcome and the release: the same release, the first outcome kept.
    expect(await queue.state.complete(record.invocation, TEACHER_A, { ok: false, message: 'second attempt', worker: 'second' })).toEqual([BASELINE_A]);
    expect(await queue.state.outcome(record.invocation, TEACHER_A)).toEqual(ok('first'));
    // trial-0 waits for teacher A and baseline A: teacher A twice is not both.
    expect(await queue.state.complete(record.invocation, TEACHER_A, ok('third'))).not.toContain('trial-0');
    expect(sorted(await queue.state.complete(record.invocation, BASELINE_A, ok()))).toEqual(['trial-0', 'trial-1']);
    expect(sorted(await queue.state.complete(record.invocation, BASELINE_A, ok()))).toEqual(['trial-0', 'trial-1']);
    // Teacher A again, now that baseline A is done: every dependent whose dependencies all have an outcome (adding them again is a no-op).
    expect(sorted(await queue.state.complete(record.invocation, TEACHER_A, ok('fourth')))).toEqual(sorted([BASELINE_A, 'trial-0', 'trial-1']));
    expect(await queue.state.outcome(record.invocation, TEACHER_A)).toEqual(ok('first'));
  });

  it('adds the first jobs with their payload and the retry options; settling adds the released jobs and nothing else', async () => {
    const { record, payloads } = await enqueued();
    const inv = record.invocation;
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B]));
    const teacher = await queue.queue.getJob(jobIdOf(inv, TEACHER_A));
    expect(teacher!.name).toBe('teacher');
    expect(teacher!.data).toEqual(payloads.get(TEACHER_A));
    expect(teacher!.opts).toMatchObject({ attempts: JOB_OPTIONS.attempts, backoff: JOB_OPTIONS.backoff });
    expect(await teacher!.getState()).toBe('waiting');

    await queue.settle(inv, TEACHER_A, ok());
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_A]));
    expect(await bullJob(inv, BASELINE_A)).toEqual({ name: 'baseline', data: payloads.get(BASELINE_A), state: 'waiting' });
    await queue.settle(inv, BASELINE_A, ok());
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_A, 'trial-0', 'trial-1']));
    expect(await bullJob(inv, 'trial-1')).toEqual({ name: 'trial', data: payloads.get('trial-1'), state: 'waiting' });
    expect(await queue.state.outcome(inv, TEACHER_A)).toEqual(ok());
  });

  it('settling a job twice adds nothing twice: adding a job whose id BullMQ holds is a no-op, even once that job has completed', async () => {
    const { record, payloads } = await enqueued();
    const inv = record.invocation;
    await queue.settle(inv, TEACHER_A, ok());
    const counts = await queue.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    await queue.settle(inv, TEACHER_A, ok());
    await queue.add(inv, BASELINE_A, { ...payloads.get(BASELINE_A)!, node: 'something else' });
    expect(await queue.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual(counts);
    expect((await bullJob(inv, BASELINE_A))!.data).toEqual(payloads.get(BASELINE_A)); // the first payload stands

    // A worker completes teacher A; releasing it again (a retry of its settle) does not run it again.
    const ran: string[] = [];
    const workerConnection = connectRedis(parseRedisUrl(server.url), 'sweep-state-test-worker');
    extraConnections.push(workerConnection);
    const completed = new Promise<void>((resolve) => {
      const worker = new Worker(
        queue.name,
        async (job) => {
          ran.push(job.id!);
          return { ok: true };
        },
        { connection: workerConnection, concurrency: 1, autorun: false },
      );
      workers.push(worker);
      worker.on('completed', (job) => {
        if (job.id === jobIdOf(inv, TEACHER_A)) {
          void worker.pause(true).then(() => resolve());
        }
      });
      void worker.run();
    });
    await completed;
    expect(ran[0]).toBe(jobIdOf(inv, TEACHER_A));
    expect(await (await queue.queue.getJob(jobIdOf(inv, TEACHER_A)))!.getState()).toBe('completed');
    await queue.add(inv, TEACHER_A);
    expect(await (await queue.queue.getJob(jobIdOf(inv, TEACHER_A)))!.getState()).toBe('completed');
    expect(ran.filter((id) => id === jobIdOf(inv, TEACHER_A))).toHaveLength(1);
  });

  it('settles the dependents of a failed teacher as failed without adding them, naming it, and still releases finish', async () => {
    const { record } = await enqueued();
    const inv = record.invocation;
    await queue.settle(inv, TEACHER_A, { ok: false, message: 'out of memory', worker: 'gpu-a' });
    const notRun = `not run: ${TEACHER_A} failed (out of memory)`;
    expect(await queue.state.outcome(inv, BASELINE_A)).toEqual({ ok: false, message: notRun });
    expect(await queue.state.outcome(inv, 'trial-0')).toEqual({ ok: false, message: notRun });
    expect(await queue.state.outcome(inv, 'trial-1')).toEqual({ ok: false, message: notRun });
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B])); // none of them was added
    expect(await queue.state.outcome(inv, 'finish')).toBeUndefined(); // trial-2 is still to come

    await queue.settle(inv, TEACHER_B, ok());
    await queue.settle(inv, BASELINE_B, ok());
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_B, 'trial-2']));
    await queue.settle(inv, 'trial-2', { ok: true, runId: 'c'.repeat(32), accuracy: 0.97, seconds: 30 });
    // finish always runs (it ends the parent run): added, not settled.
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_B, 'trial-2', 'finish']));
    expect(await queue.state.outcome(inv, 'finish')).toBeUndefined();
    expect((await bullJob(inv, 'finish'))!.name).toBe('finish');
  });

  it('names the failed baseline when the teacher succeeded; a sweep whose only teacher fails goes straight to finish', async () => {
    const first = await enqueued();
    await queue.settle(first.record.invocation, TEACHER_A, ok());
    await queue.settle(first.record.invocation, BASELINE_A, { ok: false, message: 'NaN loss' });
    expect(await queue.state.outcome(first.record.invocation, 'trial-1')).toEqual({ ok: false, message: `not run: ${BASELINE_A} failed (NaN loss)` });

    const oneTeacher = [trialOf(0, { temperature: 2 }), trialOf(1, { temperature: 8, baseline: false })];
    const second = await enqueued(oneTeacher);
    const inv = second.record.invocation;
    const teacher = teacherOf(oneTeacher[0]!);
    await queue.settle(inv, teacher, { ok: false });
    expect(await queue.state.outcome(inv, 'trial-1')).toEqual({ ok: false, message: `not run: ${teacher} failed (no message)` });
    expect(await bullNodes(inv)).toEqual(sorted([teacher, 'finish']));
    const outcomes = await queue.state.outcomes(inv);
    expect(sorted([...outcomes.keys()])).toEqual(sorted([teacher, baselineOf(oneTeacher[0]!), 'trial-0', 'trial-1']));
    expect([...outcomes.values()].every((outcome) => !outcome.ok)).toBe(true);
  });

  it('keeps outcomes, releases and jobs through a Redis restart and through a SIGKILL (AOF, fsync always)', async () => {
    const { record } = await enqueued();
    const inv = record.invocation;
    await queue.settle(inv, TEACHER_A, ok());
    await server.restart();
    expect(await queue.state.outcome(inv, TEACHER_A)).toEqual(ok());
    expect(await queue.state.sweep(record.sweepId)).toEqual(record);
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_A]));

    await queue.settle(inv, BASELINE_A, { ok: true, seconds: 2 });
    await server.kill();
    await server.restart();
    expect(await queue.state.outcome(inv, BASELINE_A)).toEqual({ ok: true, seconds: 2 });
    expect(await bullNodes(inv)).toEqual(sorted([TEACHER_A, TEACHER_B, BASELINE_A, 'trial-0', 'trial-1']));
    // The bookkeeping goes on where it stood: trial-0 and trial-1 still count teacher A and baseline A.
    expect(await queue.state.complete(inv, 'trial-0', ok())).toEqual([]);
    expect(await queue.state.complete(inv, 'trial-1', ok())).toEqual([]);
    await queue.settle(inv, TEACHER_B, ok());
    await queue.settle(inv, BASELINE_B, ok());
    expect(await queue.state.complete(inv, 'trial-2', ok())).toEqual(['finish']);
  });
});
