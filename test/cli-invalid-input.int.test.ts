import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-invalid-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stack frame as Node prints one (`    at fn (file:line:col)`). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function expectCleanUsageError(result: CliResult, message: string | RegExp): void {
  expect(result.code).toBe(2);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

describe('kdlab on invalid input', () => {
  it('exits 2 naming sweep.<path> for a swept path without values, and seeds for an empty seed list', async () => {
    const store = join(scratch, 'empty-sweep');
    const empty = await runCli(['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--set', 'sweep={"losses.1.temperature":[]}']);
    expectCleanUsageError(empty, /sweep\.losses\.1\.temperature: a swept path needs at least one value/);
    expect(empty.stderr).not.toContain('Cannot read properties');
    const noSeeds = await runCli(['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--set', 'seeds=[]']);
    expectCleanUsageError(noSeeds, /  - seeds: /);
  });

  it('exits 2 before any run exists when a sweep trial names a tap its student lacks (the parent checks the plan, workers never start)', async () => {
    const store = join(scratch, 'bad-tap');
    const result = await runCli(['run', 'test/fixtures/malformed/56-bad-tap-in-one-trial.ts', '--tracking-uri', store, '--cache-dir', join(scratch, 'bad-tap-cache'), '--jobs', '2']);
    expectCleanUsageError(result, /  - losses\.2: \[student\.model\.hidden=\[16\], seed=0\] hint loss: the student has no feature tap "hidden2"/);
    expect(result.stderr).not.toContain('Hi, looks like you are running TensorFlow.js');
    expect(existsSync(store)).toBe(false);
  });

  it("exits 2 with commander's message for every usage error", async () => {
    expectCleanUsageError(await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--backend', 'tpu']), "option '--backend <name>' argument 'tpu' is invalid");
    expectCleanUsageError(await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--no-such-option']), "unknown option '--no-such-option'");
    expectCleanUsageError(await runCli(['run']), "missing required argument 'file'");
    expectCleanUsageError(await runCli(['no-such-command']), "unknown command 'no-such-command'");
    expectCleanUsageError(await runCli(['native', 'no-such-command']), "unknown command 'no-such-command'");
  });

  it('exits 0 after --help and --version', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: kdlab run [options] <file>');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('names a plugin package that cannot be imported in one line, exit 2', async () => {
    const result = await runCli(['list', '--plugin', 'no-such-package']);
    expectCleanUsageError(result, 'kdlab list: Plugin package "no-such-package" could not be imported');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('loads a plugin file given as a relative path from the working folder', async () => {
    // The experiment fixture has no kdlabModule: found (relative to the repository root), then refused.
    const result = await runCli(['list', '--plugin', './test/fixtures/tiny-experiment.ts']);
    expectCleanUsageError(result, 'Plugin package "./test/fixtures/tiny-experiment.ts" has no "kdlabModule" export');
  });

  it('says that a file given as the store of kdlab compare is not a store folder, exit 2', async () => {
    const file = join(scratch, 'not-a-store');
    writeFileSync(file, 'x');
    expectCleanUsageError(await runCli(['compare', 'tiny-test', '--tracking-uri', file]), `${file} is a file, not a store folder`);
  });

  it('says what is wrong with the journal folder or the tracking URI of kdlab sync, exit 2', async () => {
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, 'x');
    expectCleanUsageError(await runCli(['sync', '--journal-dir', file]), `kdlab sync: the journal folder ${file} is a file, not a folder.`);
    expectCleanUsageError(await runCli(['sync', '--tracking-uri', 's3://bucket/mlruns']), "kdlab sync: --tracking-uri 's3://bucket/mlruns': expected an http(s):// MLflow server");
  });
});
