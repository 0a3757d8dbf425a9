import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-ensemble-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdlab run with a teacher ensemble', () => {
  it('trains each member, logs the ensemble with its own test accuracy, and distils member by member', async () => {
    const store = join(scratch, 'store');
    const result = await runCli(['run', 'test/fixtures/tiny-ensemble.ts', '--tracking-uri', store, '--backend', 'wasm', '--no-cache']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/teacher-1\s+mlp/);
    expect(result.stdout).toMatch(/teacher-2\s+mlp/);
    expect(result.stdout).toMatch(/ensemble\s+ensemble/);
    expect(await validateMlrunsStore(store)).toEqual([]);
    const runs = (await readMlrunsStore(store)).runs;
    const names = runs.map((run) => run.tags['mlflow.runName']).sort();
    expect(names).toEqual(['baseline', 'distilled', 'ensemble', 'teacher-1', 'teacher-2']);
    const ensemble = runs.find((run) => run.tags['kdlab.role'] === 'ensemble')!;
    const members = runs.filter((run) => run.tags['kdlab.role'] === 'teacher');
    expect(ensemble.metrics['test/accuracy']![0]!.value).toBeGreaterThan(0.3);
    expect(ensemble.metrics['model/params']![0]!.value).toBe(members.reduce((sum, run) => sum + run.metrics['model/params']![0]!.value, 0));
    expect(ensemble.tags['kdlab.member_run_ids']!.split(',').sort()).toEqual(members.map((run) => run.info.runId).sort());
    const distilled = runs.find((run) => run.tags['kdlab.role'] === 'distilled')!;
    expect(distilled.tags['kdlab.teacher_run_id']).toBe(ensemble.info.runId);
    expect(distilled.params['losses.1.perTeacher']).toBe('true');
    expect(distilled.metrics['train/loss_hinton']![0]!.value).toBeGreaterThan(0);
  });
});
