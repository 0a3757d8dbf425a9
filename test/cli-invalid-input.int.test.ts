import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliBatch, type CliResult } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-invalid-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const notAStore = join(scratch, 'not-a-store');
const notAFolder = join(scratch, 'not-a-folder');
const sweepStore = join(scratch, 'empty-sweep');

/**
 * The invocations that refuse their input before doing anything, by name: run one after another in one
 * process (runCliBatch), each through the CLI's main with its own output and exit code. The launcher's
 * own process and exit code are checked by the runCli test below and by the other CLI tests.
 */
const invocations = {
  emptySweep: ['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', sweepStore, '--set', 'sweep={"losses.1.temperature":[]}'],
  noSeeds: ['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', sweepStore, '--set', 'seeds=[]'],
  badBackend: ['run', 'test/fixtures/tiny-experiment.ts', '--backend', 'tpu'],
  unknownOption: ['run', 'test/fixtures/tiny-experiment.ts', '--no-such-option'],
  missingArgument: ['run'],
  unknownCommand: ['no-such-command'],
  unknownSubcommand: ['native', 'no-such-command'],
  help: ['run', '--help'],
  version: ['--version'],
  missingPlugin: ['list', '--plugin', 'no-such-package'],
  pluginWithoutModule: ['list', '--plugin', './test/fixtures/tiny-experiment.ts'],
  compareFile: ['compare', 'tiny-test', '--tracking-uri', notAStore],
  syncJournalFile: ['sync', '--journal-dir', notAFolder],
  syncS3: ['sync', '--tracking-uri', 's3://bucket/mlruns'],
} satisfies Record<string, string[]>;
let results: Record<keyof typeof invocations, CliResult>;

beforeAll(async () => {
  writeFileSync(notAStore, 'x');
  writeFileSync(notAFolder, 'x');
  const names = Object.keys(invocations) as (keyof typeof invocations)[];
  const answers = await runCliBatch(names.map((name) => invocations[name]));
  results = Object.fromEntries(names.map((name, i) => [name, answers[i]!])) as typeof results;
});

/** A stack frame as Node prints one (`    at fn (file:line:col)`). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function expectCleanUsageError(result: CliResult, message: string | RegExp): void {
  expect(result.code).toBe(2);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

describe('kdlab on invalid input', () => {
  it('exits 2 naming sweep.<path> for a swept path without values, and seeds for an empty seed list', () => {
    expectCleanUsageError(results.emptySweep, /sweep\.losses\.1\.temperature: a swept path needs at least one value/);
    expect(results.emptySweep.stderr).not.toContain('Cannot read properties');
    expectCleanUsageError(results.noSeeds, /  - seeds: /);
  });

  it('exits 2 before any run exists when a sweep trial names a tap its student lacks (the parent checks the plan, workers never start)', async () => {
    const store = join(scratch, 'bad-tap');
    const result = await runCli(['run', 'test/fixtures/malformed/56-bad-tap-in-one-trial.ts', '--tracking-uri', store, '--cache-dir', join(scratch, 'bad-tap-cache'), '--jobs', '2']);
    expectCleanUsageError(result, /  - losses\.2: \[student\.model\.hidden=\[16\], seed=0\] hint loss: the student has no feature tap "hidden2"/);
    expect(result.stderr).not.toContain('Hi, looks like you are running TensorFlow.js');
    expect(existsSync(store)).toBe(false);
  });

  it("exits 2 with commander's message for every usage error", () => {
    expectCleanUsageError(results.badBackend, "option '--backend <name>' argument 'tpu' is invalid");
    expectCleanUsageError(results.unknownOption, "unknown option '--no-such-option'");
    expectCleanUsageError(results.missingArgument, "missing required argument 'file'");
    expectCleanUsageError(results.unknownCommand, "unknown command 'no-such-command'");
    expectCleanUsageError(results.unknownSubcommand, "unknown command 'no-such-command'");
  });

  it('exits 0 after --help and --version', () => {
    expect(results.help.code).toBe(0);
    expect(results.help.stdout).toContain('Usage: kdlab run [options] <file>');
    expect(results.version.code).toBe(0);
    expect(results.version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('names a plugin package that cannot be imported in one line, exit 2', () => {
    const result = results.missingPlugin;
    expectCleanUsageError(result, 'kdlab list: Plugin package "no-such-package" could not be imported');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('loads a plugin file given as a relative path from the working folder', () => {
    // The experiment fixture has no kdlabModule: found (relative to the repository root), then refused.
    expectCleanUsageError(results.pluginWithoutModule, 'Plugin package "./test/fixtures/tiny-experiment.ts" has no "kdlabModule" export');
  });

  it('says that a file given as the store of kdlab compare is not a store folder, exit 2', () => {
    expectCleanUsageError(results.compareFile, `${notAStore} is a file, not a store folder`);
  });

  it('says what is wrong with the journal folder or the tracking URI of kdlab sync, exit 2', () => {
    expectCleanUsageError(results.syncJournalFile, `kdlab sync: the journal folder ${notAFolder} is a file, not a folder.`);
    expectCleanUsageError(results.syncS3, "kdlab sync: --tracking-uri 's3://bucket/mlruns': expected an http(s):// MLflow server");
  });
});
