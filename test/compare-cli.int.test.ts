import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureRuns } from '../packages/report/test/support/fixture-runs.js';
import { temperatureSweep } from '../packages/report/test/support/sweep-fixtures.js';
import { runCli } from './support/run-cli.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kdlab-compare-cli-'));
  await writeFixtureRuns(join(scratch, 'mlruns'), 'kd-sweep', temperatureSweep());
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('kdlab compare', () => {
  it('is a kdlab command that writes the HTML report of a sweep', async () => {
    const out = join(scratch, 'reports', 'kd-sweep.html');
    const result = await runCli(['compare', 'kd-sweep', '--tracking-uri', `file:${join(scratch, 'mlruns')}`, '--format', 'html', '--out', out]);
    expect(result.stderr).toContain(`kdlab compare: wrote html report to ${out}`);
    expect(result.stderr).toContain('note: skipped 2 run(s) not FINISHED (1 FAILED, 1 RUNNING)');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(4 + 1);
    expect(html).toContain('<td class="right">+0.0086</td>');
  });
});
