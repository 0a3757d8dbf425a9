import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-cli-no-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdlab run --no-save-models', () => {
  it('logs the runs without a model/ artifact', async () => {
    const cliStore = join(scratch, 'no-models');
    const result = await runCli([
      'run',
      'test/fixtures/tiny-experiment.ts',
      '--tracking-uri',
      `file:${cliStore}`,
      '--backend',
      'wasm',
      '--no-cache',
      '--no-save-models',
      '--set',
      'train.epochs=1',
      '--set',
      'teacher.train.epochs=1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const cliRuns = (await readMlrunsStore(cliStore)).runs;
    expect(cliRuns.map((r) => r.tags['kdlab.role']).sort()).toEqual(['baseline', 'distilled', 'teacher']);
    for (const r of cliRuns) {
      const artifacts = fileURLToPath(r.info.artifactUri);
      expect(existsSync(join(artifacts, 'config.json')), r.tags['kdlab.role']).toBe(true);
      expect(existsSync(join(artifacts, 'model')), r.tags['kdlab.role']).toBe(false);
      expect(r.info.status).toBe('FINISHED');
    }
  });
});
