import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, writeStore, type RunSpec } from './support/fixture-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The tsx command line that `npx tsx` runs (node_modules/.bin/tsx), run with this node without npm's start-up. */
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Runs `npx tsx --conditions=@kdlab/source repro/run-repro.ts ...args` from the repository root. */
function runRepro(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, '--conditions=@kdlab/source', 'repro/run-repro.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let root: string;
beforeAll(async () => {
  root = await makeTempDir();
  const runs: RunSpec[] = [150, 128, 135, 131, 140].map((errors, i) => ({ name: `teacher-${i + 1}`, role: 'teacher' as const, params: { seed: i }, metrics: { 'test/errors': errors } }));
  runs.push({ name: 'ensemble', role: 'ensemble', metrics: { 'test/errors': 120 } });
  [175, 180, 172].forEach((errors, seed) => runs.push({ name: `baseline-${seed}`, role: 'baseline', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  [140, 150, 148].forEach((errors, seed) => runs.push({ name: `from-ensemble-${seed}`, role: 'distilled', teacher: 'ensemble', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  [160, 165, 170].forEach((errors, seed) => runs.push({ name: `from-one-${seed}`, role: 'distilled', teacher: 'teacher-1', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  await writeStore(join(root, 'store'), { 'ensemble-to-one': runs });
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('npm run repro (repro/run-repro.ts), without training', () => {
  it('exits 2 naming an unknown study, before doing anything', async () => {
    const result = await runRepro(['no-such-study', '--page-only', '--store', join(root, 'store'), '--page', join(root, 'unknown', 'results.md')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown study "no-such-study"');
    expect(result.stderr).toContain('studies: hinton-mnist-full, temperature-by-width, omitted-three, less-data, ensemble-to-one');
    expect(existsSync(join(root, 'unknown'))).toBe(false);
  }, 120_000);

  it('--page-only regenerates the page from the given store and exits 0', async () => {
    const page = join(root, 'out', 'results.md');
    const result = await runRepro(['--page-only', '--store', join(root, 'store'), '--page', page]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${page}, ${join(root, 'out', 'results.csv')} and 1 plots`);
    expect(result.stdout).toContain('  ensemble-to-one: reproduced');
    expect(result.stdout).toContain('  hinton-mnist-full: not run yet');
    const text = await readFile(page, 'utf8');
    expect(text).toContain('**Verdict: reproduced.**');
    expect(existsSync(join(root, 'out', 'results', 'ensemble-to-one-errors.svg'))).toBe(true);
  }, 120_000);
});
