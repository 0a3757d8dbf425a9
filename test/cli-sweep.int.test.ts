import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-sweep-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const role = (run: MlrunsRunRecord) => run.tags['kdlab.role'];

describe('kdlab run on a sweep', () => {
  const store = join(scratch, 'store');
  const cache = join(scratch, 'cache');
  const args = ['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--cache-dir', cache, '--backend', 'wasm'];

  it('trains the teacher once, a baseline per student seed, a distilled student per trial, under one parent run', async () => {
    const result = await runCli([...args, '--jobs', '2']);
    expect(result.stderr).toContain('4 trials, 2 at a time');
    expect(result.code).toBe(0);
    const workers = new Set([...result.stderr.matchAll(/\[worker (\d+)\] distilled\s+run/g)].map((m) => m[1]));
    expect(workers.size).toBe(2); // the distilled students really ran in two processes
    expect(result.stdout).toContain('losses.1.temperature=8, seed=1: distilled');
    expect(await validateMlrunsStore(store)).toEqual([]);
    const runs = (await readMlrunsStore(store)).runs;
    const byRole = (r: string) => runs.filter((run) => role(run) === r);
    expect(byRole('sweep')).toHaveLength(1);
    expect(byRole('teacher')).toHaveLength(1);
    expect(byRole('baseline')).toHaveLength(2);
    expect(byRole('distilled')).toHaveLength(4);
    const parent = byRole('sweep')[0]!;
    expect(parent.info.status).toBe('FINISHED');
    expect(parent.params['sweep.losses.1.temperature']).toBe('[2,8]');
    for (const run of [...byRole('teacher'), ...byRole('baseline'), ...byRole('distilled')]) {
      expect(run.info.status).toBe('FINISHED');
      expect(run.tags['mlflow.parentRunId']).toBe(parent.info.runId);
      expect(run.tags['kdlab.sweep_id']).toBe(parent.tags['kdlab.sweep_id']);
    }
    const teacherId = byRole('teacher')[0]!.info.runId;
    const baselineIds = new Set(byRole('baseline').map((run) => run.info.runId));
    for (const run of byRole('distilled')) {
      expect(run.tags['kdlab.teacher_run_id']).toBe(teacherId);
      expect(baselineIds.has(run.tags['kdlab.baseline_run_id']!)).toBe(true);
      expect(run.params['sweep.losses.1.temperature']).toBe(run.params['losses.1.temperature']);
    }
    const temps = byRole('distilled').map((run) => `${run.params['losses.1.temperature']}/${run.params['studentSeed']}`).sort();
    expect(temps).toEqual(['2/0', '2/1', '8/0', '8/1']);
    // One teacher, two workers: the baselines train alongside the teacher and wait for it only for
    // their agreement with it (the order itself is tested with a scripted executor in
    // packages/runner/test/run-sweep-scheduling.test.ts; timings are not asserted here).
    for (const run of byRole('baseline')) expect(run.metrics['test/agreement']![0]!.value).toBeGreaterThan(0);
  });

  it('logs the same baseline metrics alongside the teacher (2 workers) as after it (1 process)', async () => {
    const alone = join(scratch, 'alone');
    const result = await runCli(['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', alone, '--cache-dir', join(scratch, 'alone-cache'), '--backend', 'wasm', '--jobs', '1']);
    expect(result.code).toBe(0);
    const metricsBySeed = async (path: string) =>
      Object.fromEntries(
        (await readMlrunsStore(path)).runs
          .filter((run) => role(run) === 'baseline')
          .map((run) => [
            run.params['studentSeed'],
            Object.fromEntries(Object.entries(run.metrics).filter(([key]) => key.startsWith('test/')).map(([key, points]) => [key, points.map((point) => point.value)])),
          ]),
      );
    const sequential = await metricsBySeed(alone);
    expect(Object.keys(sequential).sort()).toEqual(['0', '1']);
    expect(sequential['0']!['test/agreement']).toBeDefined();
    expect(await metricsBySeed(store)).toEqual(sequential);
  });

  it('skips finished trials and reuses the cached teacher when started again', async () => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/finished earlier/g)).toHaveLength(4);
    const runs = (await readMlrunsStore(store)).runs;
    expect(runs.filter((run) => role(run) === 'teacher')).toHaveLength(1);
    expect(runs.filter((run) => role(run) === 'distilled')).toHaveLength(4);
    const more = await runCli([...args, '--set', 'sweep={"losses.1.temperature":[2,8,16]}', '--jobs', '1']);
    expect(more.code).toBe(0);
    expect(more.stderr).toContain('reusing the teacher of run');
    const after = (await readMlrunsStore(store)).runs;
    expect(after.filter((run) => role(run) === 'teacher')).toHaveLength(1);
    expect(after.filter((run) => role(run) === 'distilled')).toHaveLength(6);
  });
});

describe('kdlab run on a sweep with workers that cannot load the backend', () => {
  it('exits 2 with the workers\' reason before any run is created', async () => {
    const store = join(scratch, 'no-backend');
    // node-gpu never loads here (no CUDA TensorFlow library); only the workers try it
    const result = await runCli(['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--backend', 'node-gpu', '--jobs', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"node-gpu" backend was requested but cannot be used/);
    expect(existsSync(store) ? (await readMlrunsStore(store)).runs : []).toEqual([]);
  });
});

describe('kdlab run on a sweep whose teacher fails while baselines train alongside it', () => {
  it('stops the baselines, exits non-zero and leaves no run RUNNING', async () => {
    const store = join(scratch, 'failing');
    const result = await runCli(['run', 'test/fixtures/failing-teacher-sweep.ts', '--tracking-uri', store, '--cache-dir', join(scratch, 'failing-cache'), '--backend', 'wasm', '--jobs', '2']);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain('the teacher exploded on purpose');
    const runs = (await readMlrunsStore(store)).runs;
    expect(runs.filter((run) => run.info.status === 'RUNNING')).toEqual([]);
    expect(runs.find((run) => role(run) === 'teacher')!.info.status).toBe('FAILED');
    expect(runs.find((run) => role(run) === 'sweep')!.info.status).toBe('FAILED');
    expect(runs.filter((run) => role(run) === 'distilled')).toEqual([]);
  });
});
