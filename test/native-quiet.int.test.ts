import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNativeDir, probeNativeBackend, resolveNativeThreads } from '@kdlab/core';
import { runCli } from './support/run-cli.js';

// The native backend is optional (built by `kdlab native build`); without it these tests skip.
const probe = await probeNativeBackend('node', { nativeDir: findNativeDir(), threads: resolveNativeThreads({ threads: 1 }) });
if (!probe.importable) console.log(`TensorFlow start-up chatter on the native backend: skipped (${probe.error ?? 'the native backend does not load'})`);

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-quiet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const chatter = (stderr: string) => stderr.split('\n').filter((line) => /absl::InitializeLog|oneDNN custom operations are on/.test(line));

describe.skipIf(!probe.importable)('TensorFlow start-up chatter on the native backend', () => {
  const args = ['run', 'test/fixtures/tiny-sweep.ts', '--backend', 'node', '--jobs', '2', '--tracking-uri', join(scratch, 'mlruns'), '--cache-dir', join(scratch, 'cache')];

  it('is not printed by the workers of a sweep', async () => {
    const result = await runCli([...args, '--set', 'teacher.train.epochs=1', '--set', 'train.epochs=1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/backend: node .* in 2 worker processes/);
    expect(chatter(result.stderr)).toEqual([]);
  });

  it('is printed again with KDLAB_TF_LOG=1', async () => {
    // The same sweep again: its trials are done, but each worker still loads TensorFlow.
    const result = await runCli([...args, '--set', 'teacher.train.epochs=1', '--set', 'train.epochs=1'], { env: { KDLAB_TF_LOG: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/finished earlier/);
    expect(chatter(result.stderr).filter((line) => line.includes('oneDNN'))).toHaveLength(2);
  });
});
