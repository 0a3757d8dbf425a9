// `kdlab run --check`: the experiment validated and its whole plan checked, the trials listed, and
// nothing trained or written, whether the plan holds (exit 0) or not (exit 2).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdlab run --check', () => {
  it('lists every trial of a sweep after checking its plan, and writes no store, cache or checkpoint', async () => {
    const paths = { store: join(scratch, 'mlruns'), cache: join(scratch, 'cache'), checkpoints: join(scratch, 'checkpoints') };
    const result = await runCli(['run', 'test/fixtures/tiny-sweep.ts', '--check', '--tracking-uri', paths.store, '--cache-dir', paths.cache, '--checkpoint-dir', paths.checkpoints, '--backend', 'cpu']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/plan checked: (\d+) trials/);
    const count = Number(/plan checked: (\d+) trials/.exec(result.stderr)![1]);
    const listed = result.stderr.split('\n').filter((line) => /^ {2}trial \d+: .*seed=\d+$/.test(line));
    expect(listed).toHaveLength(count);
    expect(count).toBeGreaterThan(1);
    expect(result.stderr).toContain('--check: nothing trained, nothing written.');
    expect(result.stderr).not.toMatch(/epoch/);
    for (const path of Object.values(paths)) expect(existsSync(path)).toBe(false);
  });

  it('exits 2 naming the field when the plan does not hold', async () => {
    const store = join(scratch, 'bad');
    const result = await runCli(['run', 'test/fixtures/malformed/60-copy-init-other-architecture.ts', '--check', '--tracking-uri', store, '--backend', 'cpu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/student\.init: copy needs a student of the teacher's architecture/);
    expect(existsSync(store)).toBe(false);
  });
});
