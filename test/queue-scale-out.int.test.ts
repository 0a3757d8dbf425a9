// A sweep on a real job queue (Redis + BullMQ) across two `kdlab worker`s in separate folders with
// separate caches (two "machines"), every run going to one MLflow server (the loopback fake, with
// artifacts): a worker killed mid-trial, Redis restarted mid-sweep, the sweep enqueued again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMlflowServer, type StoredRun } from '../packages/tracking/test/remote/support/fake-mlflow-server.js';
import { hasRedisServer, startRedisServer, type RedisServer } from '../packages/queue/test/support/redis-server.js';
import { repoRoot, runCli } from './support/run-cli.js';

const BIN = join(repoRoot, 'packages/cli/bin/kdlab.mjs');
const REDIS_PASSWORD = 'redis-s3cret-Zm9vYmFy';
const MLFLOW_PASSWORD = 'mlflow-s3cret-pw';

/** A `kdlab worker` in a folder of its own (its own cache, checkpoints and journal), in its own process group. */
interface Worker {
  name: string;
  child: ChildProcess;
  log: string;
  exited: boolean;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!hasRedisServer)('a sweep on a job queue across two workers (BullMQ on redis-server)', () => {
  let mlflow: FakeMlflowServer;
  let redis: RedisServer;
  let scratch: string;
  let queueUrl: string;
  /** The MLflow server's URL with a user name and password in it: they must not travel to the workers. */
  let trackingUri: string;
  const workers: Worker[] = [];

  function startWorker(name: string): Worker {
    const cwd = join(scratch, name);
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', queueUrl, '--backend', 'wasm', '--concurrency', '1', '--lock-duration', '6', '--stalled-interval', '1'], {
      cwd,
      env: { ...process.env, KDLAB_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    const worker: Worker = { name, child, log: '', exited: false };
    child.stderr!.on('data', (chunk: Buffer) => (worker.log += chunk.toString()));
    child.on('exit', () => (worker.exited = true));
    workers.push(worker);
    return worker;
  }

  const runsOf = (experiment: string): StoredRun[] => {
    const ids = new Set([...mlflow.experiments.values()].filter((e) => e.name === experiment).map((e) => e.experiment_id));
    return [...mlflow.runs.values()].filter((run) => ids.has(run.info.experiment_id));
  };
  const role = (run: StoredRun): string | undefined => run.tags.get('kdlab.role');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'kdlab-queue-'));
    mlflow = await FakeMlflowServer.start();
    redis = await startRedisServer({ extraArgs: ['--requirepass', REDIS_PASSWORD] });
    queueUrl = `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/0`;
    trackingUri = mlflow.url.replace('http://', `http://kdlab-user:${MLFLOW_PASSWORD}@`);
  });

  afterAll(async () => {
    for (const worker of workers) if (!worker.exited) process.kill(-worker.child.pid!, 'SIGKILL');
    await redis?.remove();
    await mlflow?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs each trial once: a worker killed mid-trial has its job retried on the other, its run ended KILLED; enqueued again, nothing runs', { timeout: 300_000 }, async () => {
    const a = startWorker('a');
    const b = startWorker('b');
    await until('both workers to start', () => (a.log.includes('Ctrl-C to stop') && b.log.includes('Ctrl-C to stop') ? true : undefined), 60_000);

    const enqueued = await runCli(['run', 'test/fixtures/queue-sweep.ts', '--queue', queueUrl, '--tracking-uri', trackingUri, '--detach']);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(enqueued.stderr).toMatch(/4 of 4 trials enqueued/);

    // Kill (SIGKILL, the whole process group: nothing can clean up) the worker of a distilled student in training.
    const victim = await until('a distilled student in training', () => {
      for (const run of runsOf('queue-sweep')) {
        if (role(run) !== 'distilled' || run.info.status !== 'RUNNING' || !run.metrics.some((m) => m.key.startsWith('train/'))) continue;
        const jobId = run.tags.get('kdlab.job_id');
        const worker = workers.find((w) => jobId !== undefined && w.log.includes(`${jobId}: trial`));
        if (worker) return { worker, runId: run.info.run_id, jobId: jobId! };
      }
      return undefined;
    }, 180_000);
    process.kill(-victim.worker.child.pid!, 'SIGKILL');
    const survivor = victim.worker === a ? b : a;

    // Watching the sweep (it is in the queue: nothing is enqueued again) until its finish job ends it.
    const watched = await runCli(['run', 'test/fixtures/queue-sweep.ts', '--queue', queueUrl, '--tracking-uri', trackingUri]);
    expect(watched.code, `${watched.stderr}\n--- survivor ---\n${survivor.log}`).toBe(0);
    expect(watched.stderr).toMatch(/already in queue/);
    expect(watched.stdout).toMatch(/FINISHED/);

    const runs = runsOf('queue-sweep');
    expect(runs.filter((run) => run.info.status === 'RUNNING').map((run) => `${role(run)} ${run.info.run_id}`)).toEqual([]);
    // The teacher trained once (the other worker took it from the tracking server's artifacts).
    expect(runs.filter((run) => role(run) === 'teacher').map((run) => run.info.status)).toEqual(['FINISHED']);
    expect(runs.filter((run) => role(run) === 'baseline').map((run) => run.info.status)).toEqual(['FINISHED', 'FINISHED']);
    // Exactly one FINISHED distilled run per trial; the killed attempt's run ended KILLED by the retry.
    const distilled = runs.filter((run) => role(run) === 'distilled');
    const finishedPerTrial = [0, 1, 2, 3].map((i) => distilled.filter((run) => run.tags.get('kdlab.trial') === String(i) && run.info.status === 'FINISHED').length);
    expect(finishedPerTrial).toEqual([1, 1, 1, 1]);
    const killed = mlflow.runs.get(victim.runId)!;
    expect(killed.info.status).toBe('KILLED');
    expect(distilled.filter((run) => run.info.status === 'KILLED').map((run) => run.info.run_id)).toEqual([victim.runId]);
    expect(survivor.log).toContain(`ended KILLED the run(s) ${victim.runId}`);
    const parent = runs.find((run) => role(run) === 'sweep')!;
    expect(parent.info.status).toBe('FINISHED');
    expect(distilled.every((run) => run.tags.get('mlflow.parentRunId') === parent.info.run_id)).toBe(true);

    // Enqueued again: every trial finished, nothing is added and no run is created.
    const before = mlflow.runs.size;
    const again = await runCli(['run', 'test/fixtures/queue-sweep.ts', '--queue', queueUrl, '--tracking-uri', trackingUri, '--detach']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/all 4 trials had finished earlier/);
    expect(mlflow.runs.size).toBe(before + 1); // the new invocation's parent run, ended at once

    // No password reached a param, a tag, a job payload, or anything printed.
    const stored = [...mlflow.runs.values()].flatMap((run) => [...run.params.values(), ...run.tags.values()]).join('\n');
    const printed = [enqueued.stderr, enqueued.stdout, watched.stderr, watched.stdout, again.stderr, ...workers.map((w) => w.log)].join('\n');
    const client = new Redis(queueUrl);
    const keys = await client.keys('*');
    const payloads: string[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'hash') payloads.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'string') payloads.push((await client.get(key)) ?? '');
    }
    client.disconnect();
    expect(payloads.join('').length).toBeGreaterThan(1000); // the jobs and sweep records were read
    for (const secret of [REDIS_PASSWORD, MLFLOW_PASSWORD]) {
      expect(stored).not.toContain(secret);
      expect(printed).not.toContain(secret);
      expect(payloads.join('\n')).not.toContain(secret);
    }
    expect(payloads.join('\n')).not.toContain('queue-sweep.ts'); // a resolved experiment, not a file to run
    expect(printed).toContain(`redis://:***@127.0.0.1:${redis.port}/0`);
  });

  it('loses no job and runs none twice when Redis restarts mid-sweep', { timeout: 300_000 }, async () => {
    const c = startWorker('c');
    await until('worker c to start', () => (c.log.includes('Ctrl-C to stop') ? true : undefined), 60_000);
    const enqueued = await runCli(['run', 'test/fixtures/queue-sweep.ts', '--seed', '7', '--set', 'train.epochs=3', '--queue', queueUrl, '--tracking-uri', trackingUri, '--detach']);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const seeded = (): StoredRun[] => runsOf('queue-sweep').filter((run) => run.params.get('seed') === '7');
    await until('a distilled student of seed 7 in training', () => (seeded().some((run) => role(run) === 'distilled' && run.info.status === 'RUNNING') ? true : undefined), 180_000);
    await redis.restart();
    const watched = await runCli(['run', 'test/fixtures/queue-sweep.ts', '--seed', '7', '--set', 'train.epochs=3', '--queue', queueUrl, '--tracking-uri', trackingUri]);
    expect(watched.code, `${watched.stderr}\n--- worker ---\n${workers.map((w) => w.log).join('\n')}`).toBe(0);
    const runs = seeded();
    expect(runs.filter((run) => run.info.status !== 'FINISHED').map((run) => `${role(run)} ${run.info.status}`)).toEqual([]);
    expect(runs.filter((run) => role(run) === 'teacher')).toHaveLength(1);
    expect(runs.filter((run) => role(run) === 'distilled').map((run) => run.tags.get('kdlab.trial')).sort()).toEqual(['0', '1']);
  });
});

