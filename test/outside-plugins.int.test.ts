import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-outside-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a plugin from outside kdlab', () => {
  it('trains a model family and a loss registered by the experiment file itself, through kdlab run', async () => {
    const store = join(scratch, 'store');
    const result = await runCli(['run', 'test/fixtures/outside-plugins-experiment.ts', '--tracking-uri', store, '--backend', 'wasm', '--no-cache']);
    expect(result.stderr).not.toMatch(/invalid experiment/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/distilled\s+my-linear\s+7,850/);
    const runs = (await readMlrunsStore(store)).runs;
    const distilled = runs.find((run) => run.tags['kdlab.role'] === 'distilled')!;
    expect(distilled.info.status).toBe('FINISHED');
    expect(distilled.params['student.model.kind']).toBe('my-linear');
    expect(distilled.params['losses.1.kind']).toBe('my-logit-mse');
    expect(distilled.metrics['train/loss_my-logit-mse']!.length).toBe(2);
    expect(distilled.metrics['test/accuracy']![0]!.value).toBeGreaterThan(0.5);
  });
});
