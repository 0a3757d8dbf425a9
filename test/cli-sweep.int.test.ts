import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/core';
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
