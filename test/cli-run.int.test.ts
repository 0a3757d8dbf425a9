import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function roleOf(run: MlrunsRunRecord): string {
  return run.tags['kdlab.role']!;
}

describe('kdlab run', () => {
  it('trains teacher, baseline and distilled student, logs three MLflow runs a server accepts, prints the table', async () => {
    const store = join(scratch, 'ok');
    const result = await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--tracking-uri', `file:${store}`, '--backend', 'wasm']);
    expect(result.stderr).toContain('backend: wasm');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/teacher\s+mlp\s+101,770/);
    expect(result.stdout).toMatch(/distilled\s+mlp\s+25,450/);
    expect(result.stdout).toMatch(/compression 4\.00x/);

    expect(await validateMlrunsStore(store)).toEqual([]);
    const contents = await readMlrunsStore(store);
    const experiment = contents.experiments.find((e) => e.name === 'tiny-test')!;
    expect(experiment).toBeDefined();
    const runs = contents.runs.filter((run) => run.info.experimentId === experiment.experimentId);
    expect(runs.map(roleOf).sort()).toEqual(['baseline', 'distilled', 'teacher']);
    for (const run of runs) {
      expect(run.info.status).toBe('FINISHED');
      expect(run.info.endTime).toBeGreaterThanOrEqual(run.info.startTime);
      expect(run.tags['kdlab.backend']).toMatch(/^wasm/);
      expect(run.tags['mlflow.runName']).toBe(roleOf(run));
      expect(run.tags['mlflow.source.type']).toBe('LOCAL');
      expect(run.params['losses.1.temperature']).toBe('4');
      expect(run.params['student.model.hidden']).toBe('[32]');
      expect(run.metrics['val/accuracy']!.map((point) => point.step)).toEqual([1, 2]);
      expect(run.metrics['test/accuracy']).toHaveLength(1);
      expect(run.metrics['model/params']![0]!.value).toBeGreaterThan(0);
    }
    expect(new Set(runs.map((run) => run.tags['kdlab.invocation'])).size).toBe(1);
    const distilled = runs.find((run) => roleOf(run) === 'distilled')!;
    expect(Object.keys(distilled.metrics)).toEqual(expect.arrayContaining(['train/loss', 'train/loss_ce', 'train/loss_hinton', 'test/agreement']));
    const config = JSON.parse(readFileSync(join(fileURLToPath(distilled.info.artifactUri), 'config.json'), 'utf8'));
    expect(config.losses[1]).toEqual({ kind: 'hinton', weight: 0.7, temperature: 4, perTeacher: false });
    const modelJson = JSON.parse(readFileSync(join(fileURLToPath(distilled.info.artifactUri), 'model', 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
  });

  it('rejects an invalid experiment with the field path and exit code 2, before anything trains or is logged', async () => {
    const store = join(scratch, 'invalid');
    const result = await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--tracking-uri', store, '--set', 'losses.1.temperature=-1', '--set', 'train.epochs=0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('test/fixtures/tiny-experiment.ts: invalid experiment (2 problems)');
    expect(result.stderr).toMatch(/losses\.1\.temperature: .*0/);
    expect(result.stderr).toMatch(/train\.epochs: /);
    expect(result.stderr).not.toContain('epoch 1/');
    const contents = await readMlrunsStore(store).catch(() => ({ runs: [] }));
    expect(contents.runs).toEqual([]);
  });

  it('names a missing experiment file with exit code 2', async () => {
    const result = await runCli(['run', 'experiments/no-such-study.ts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('experiments/no-such-study.ts: no such experiment file');
  });

  it('marks a run that throws FAILED with the error in a tag, keeps what was logged, and exits 1', async () => {
    const store = join(scratch, 'failing');
    const result = await runCli(['run', 'test/fixtures/exploding-loss-experiment.ts', '--tracking-uri', store, '--backend', 'cpu']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the exploding loss exploded');
    expect(await validateMlrunsStore(store)).toEqual([]);
    const runs = (await readMlrunsStore(store)).runs;
    const byRole = Object.fromEntries(runs.map((run) => [roleOf(run), run]));
    expect(byRole['teacher']!.info.status).toBe('FINISHED');
    expect(byRole['baseline']!.info.status).toBe('FINISHED');
    expect(byRole['distilled']!.info.status).toBe('FAILED');
    expect(byRole['distilled']!.tags['kdlab.error']).toContain('the exploding loss exploded');
    expect(byRole['distilled']!.params['losses.1.kind']).toBe('exploding');
    expect(byRole['teacher']!.metrics['test/accuracy']).toHaveLength(1);
  });

  it('ends the run in progress KILLED on Ctrl-C and exits 130', async () => {
    const store = join(scratch, 'interrupted');
    const result = await runCli(
      ['run', 'test/fixtures/tiny-experiment.ts', '--tracking-uri', store, '--backend', 'cpu', '--set', 'teacher.train.epochs=200', '--set', 'teacher.model.hidden=[256,256]'],
      { onStderr: (text) => (/teacher\s+epoch\s+1\//.test(text) ? 'SIGINT' : undefined) },
    );
    expect(result.code).toBe(130);
    const runs = (await readMlrunsStore(store)).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.info.status).toBe('KILLED');
    expect(runs[0]!.metrics['val/accuracy']!.length).toBeGreaterThanOrEqual(1);
    expect(await validateMlrunsStore(store)).toEqual([]);
  });
});
