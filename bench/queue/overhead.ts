// What does the job queue cost? The same sweep (sweep-experiment.ts: 1 teacher, 4 baselines, 16
// distilled students) run with `kdlab run --jobs 2` and on the queue with two `kdlab worker`s of one
// trial process each (the same parallelism and threads), in alternating order, on one machine:
//
//   npx tsx --conditions=@kdlab/source bench/queue/overhead.ts [--rounds 2] [--backend node]
//
// It prints the wall time of each (the queue's from `kdlab run --queue` to the sweep's end, the
// workers started beforehand, as standing workers are) and the queue's overhead per job: the time from
// a job being enqueued, or its worker being free if later, to its phase starting in a trial process.
// Needs Debian's redis-server; starts it on a free loopback port in a temporary folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SweepState, type JobOutcome } from '@kdlab/queue';
import { parseFlags, positiveInteger } from '../flags.js';
import { machineState, describeLoad } from '../system/machine.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'packages/cli/bin/kdlab.mjs');
const EXPERIMENT = 'bench/queue/sweep-experiment.ts';

const flags = parseFlags({
  script: 'bench/queue/overhead.ts',
  command: 'npx tsx --conditions=@kdlab/source bench/queue/overhead.ts',
  summary: 'A sweep with --jobs 2 against the same sweep on the Redis job queue with two workers: wall time, and the queue\'s overhead per job.',
  options: { rounds: { type: 'string', default: '2' }, backend: { type: 'string', default: 'node' } },
  describe: { rounds: 'rounds, each running both, in alternating order', backend: 'the TensorFlow.js backend of every trial process' },
});
const rounds = positiveInteger('bench/queue/overhead.ts', '--rounds', flags.rounds);

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs kdlab; `readySeconds` is when its `backend:` line came (a `--jobs` run: its trial processes loaded). */
function kdlab(args: string[], cwd: string): Promise<{ code: number | null; seconds: number; readySeconds?: number; stderr: string }> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let readySeconds: number | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (readySeconds === undefined && /^backend: /m.test(stderr)) readySeconds = (performance.now() - started) / 1000;
    });
    child.on('close', (code) => done({ code, seconds: (performance.now() - started) / 1000, ...(readySeconds !== undefined ? { readySeconds } : {}), stderr }));
  });
}

async function untilLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  let text = '';
  await new Promise<void>((done, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) done();
    });
    child.on('exit', () => fail(new Error(`a worker exited before it was ready:\n${text}`)));
  });
}

/** The queue's overhead per job: phase start minus the later of its enqueue time and its worker's previous phase end. */
async function overheads(redisUrl: string, invocationOf: () => Promise<string>): Promise<number[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('kdlab', { connection });
  const invocation = await invocationOf();
  const outcomes = await new SweepState(connection, 'kdlab:kdlab').outcomes(invocation);
  const rows: { worker: string; added: number; started: number; ended: number }[] = [];
  for (const [node, outcome] of outcomes as Map<string, JobOutcome>) {
    if (outcome.startedAt === undefined || outcome.endedAt === undefined || outcome.worker === undefined) continue;
    const job = await queue.getJob(`${invocation}.${node}`);
    if (job) rows.push({ worker: outcome.worker, added: job.timestamp, started: outcome.startedAt, ended: outcome.endedAt });
  }
  const result: number[] = [];
  for (const worker of new Set(rows.map((row) => row.worker))) {
    const mine = rows.filter((row) => row.worker === worker).sort((a, b) => a.started - b.started);
    mine.forEach((row, i) => result.push(row.started - Math.max(row.added, i > 0 ? mine[i - 1]!.ended : row.added)));
  }
  await queue.close();
  connection.disconnect();
  return result.sort((a, b) => a - b);
}

const median = (values: number[]): number => values[Math.floor(values.length / 2)]!;

const work = mkdtempSync(join(tmpdir(), 'kdlab-bench-queue-'));
const port = await freePort();
const redisUrl = `redis://127.0.0.1:${port}/0`;
// Trial processes of workers started in other folders find the native build through KDLAB_NATIVE_DIR.
process.env['KDLAB_NATIVE_DIR'] ??= join(ROOT, '.kdlab', 'native');
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', work, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
const state = machineState();
console.log(`machine: ${state.cpu}, ${state.memoryGiB} GiB, ${describeLoad(state)}; backend ${flags.backend}; redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[2]}`);
const results: { round: number; jobs: number; queue: number; overhead: number[]; workerStartup: number; jobsStartup: number }[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const jobsDir = join(work, `jobs-${round}`);
    const queueDir = join(work, `queue-${round}`);
    mkdirSync(jobsDir, { recursive: true });
    mkdirSync(queueDir, { recursive: true });
    let jobsStartup = 0;
    const runJobs = async (): Promise<number> => {
      const result = await kdlab(['run', join(ROOT, EXPERIMENT), '--jobs', '2', '--backend', flags.backend, '--tracking-uri', join(jobsDir, 'mlruns'), '--cache-dir', join(jobsDir, 'cache'), '--checkpoint-dir', join(jobsDir, 'checkpoints'), '--no-save-models'], ROOT);
      if (result.code !== 0) throw new Error(`--jobs run failed:\n${result.stderr}`);
      jobsStartup = result.readySeconds ?? 0;
      return result.seconds;
    };
    let workerStartup = 0;
    const runQueue = async (): Promise<number> => {
      const spawned = performance.now();
      const workers = [1, 2].map((n) => {
        const cwd = join(queueDir, `worker-${n}`);
        mkdirSync(cwd, { recursive: true });
        return spawn(process.execPath, [BIN, 'worker', '--queue', redisUrl, '--concurrency', '1', '--threads', '1', '--backend', flags.backend, '--cache-dir', join(queueDir, 'cache'), '--checkpoint-dir', join(cwd, 'checkpoints'), '--no-save-models'], { cwd, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      });
      try {
        await Promise.all(workers.map((w) => untilLine(w, /Ctrl-C to stop/)));
        workerStartup = (performance.now() - spawned) / 1000;
        const result = await kdlab(['run', join(ROOT, EXPERIMENT), '--queue', redisUrl, '--tracking-uri', join(queueDir, 'mlruns')], ROOT);
        if (result.code !== 0) throw new Error(`--queue run failed:\n${result.stderr}`);
        return result.seconds;
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((done) => (w.exitCode !== null ? done(undefined) : w.on('exit', done)))));
      }
    };
    let jobs: number;
    let queueSeconds: number;
    if (round % 2 === 1) {
      jobs = await runJobs();
      queueSeconds = await runQueue();
    } else {
      queueSeconds = await runQueue();
      jobs = await runJobs();
    }
    const connection = new Redis(redisUrl);
    const sweeps = await new SweepState(connection, 'kdlab:kdlab').sweeps();
    connection.disconnect();
    const overhead = await overheads(redisUrl, async () => sweeps[0]!.invocation);
    results.push({ round, jobs, queue: queueSeconds, overhead, workerStartup, jobsStartup });
    console.log(`round ${round}: --jobs 2 ${jobs.toFixed(1)} s (${(jobs - jobsStartup).toFixed(1)} s after its trial processes loaded), queue ${queueSeconds.toFixed(1)} s (${((queueSeconds / jobs - 1) * 100).toFixed(1)}%); overhead per job: median ${median(overhead).toFixed(0)} ms, max ${overhead.at(-1)!.toFixed(0)} ms over ${overhead.length} jobs; the workers started in ${workerStartup.toFixed(1)} s beforehand`);
  }
  const all = results.flatMap((r) => r.overhead).sort((a, b) => a - b);
  const jobsTotal = results.reduce((s, r) => s + r.jobs, 0);
  const queueTotal = results.reduce((s, r) => s + r.queue, 0);
  console.log(`\n| ${state.cpu}, backend ${flags.backend} | --jobs 2 | queue, 2 workers |\n|---|---:|---:|`);
  for (const r of results) console.log(`| round ${r.round} wall time | ${r.jobs.toFixed(1)} s | ${r.queue.toFixed(1)} s (${((r.queue / r.jobs - 1) * 100).toFixed(1)}%) |`);
  console.log(`| total | ${jobsTotal.toFixed(1)} s | ${queueTotal.toFixed(1)} s (${((queueTotal / jobsTotal - 1) * 100).toFixed(1)}%) |`);
  const jobsAfter = results.reduce((s, r) => s + r.jobs - r.jobsStartup, 0);
  console.log(`| total from the trial processes loaded to the end (--jobs: after its \`backend:\` line; queue: as above, its workers standing) | ${jobsAfter.toFixed(1)} s | ${queueTotal.toFixed(1)} s (${((queueTotal / jobsAfter - 1) * 100).toFixed(1)}%) |`);
  console.log(`| start-up: plan check and trial processes loaded (--jobs, in its wall time) / workers started (queue, beforehand) | ${results.map((r) => `${r.jobsStartup.toFixed(1)} s`).join(', ')} | ${results.map((r) => `${r.workerStartup.toFixed(1)} s`).join(', ')} |`);
  console.log(`| queue overhead per job (enqueue or worker free -> phase start), ${all.length} jobs | | median ${median(all).toFixed(0)} ms, p90 ${all[Math.floor(all.length * 0.9)]!.toFixed(0)} ms, max ${all.at(-1)!.toFixed(0)} ms |`);
} finally {
  redis.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
