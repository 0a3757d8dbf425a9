import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareCommand, defaultHtmlReportPath } from '../../cli/src/commands/compare-command.js';
import { runInProcess, type InProcessResult } from '../../../test/support/run-in-process.js';
import { makeTempFolder, type TempFolder } from '../../tracking/test/temp-store.js';
import { writeFixtureRuns } from './support/fixture-runs.js';
import { temperatureSweep } from './support/sweep-fixtures.js';

let store: TempFolder;

/** Runs `kdlab compare <args>` in this process; returns what it printed and its exit code. */
const compare = (args: string[], env: Record<string, string> = {}): Promise<InProcessResult> => runInProcess(compareCommand(), args, env);

beforeAll(async () => {
  store = await makeTempFolder('kdlab-compare-command-');
  await writeFixtureRuns(join(store.path, 'mlruns'), 'kd-sweep', temperatureSweep());
});
afterAll(() => store.remove());
afterEach(() => vi.restoreAllMocks());

describe('kdlab compare (in process)', () => {
  it('reads the store MLFLOW_TRACKING_URI names and prints the table', async () => {
    const result = await compare(['kd-sweep'], { MLFLOW_TRACKING_URI: `file:${join(store.path, 'mlruns')}` });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4\s+3\s+\+0\.0086\s+\[\+0\.0031, \+0\.0141\]\s+0\.0212/m);
    expect(result.stderr).toBe('');
  });

  it('writes CSV to --out, groups by --by and compares --metric, with the notes on stderr', async () => {
    const out = join(store.path, 'reports', 'by-seed.csv');
    const result = await compare(['kd-sweep', '--tracking-uri', join(store.path, 'mlruns'), '--by', 'seed', '--metric', 'test/best/accuracy', '--format', 'csv', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`kdlab compare: wrote csv report to ${out}`);
    expect(result.stderr).toContain('note: skipped 2 run(s) not FINISHED (1 FAILED, 1 RUNNING)');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^row,label,seed,n,mean,/);
    expect(lines.slice(1, 4).map((line) => line.split(',').slice(0, 4).join(','))).toEqual(['distilled,seed=0,0,3', 'distilled,seed=1,1,3', 'distilled,seed=2,2,3']);
    expect(lines[1]!.split(',')[8]).toBe(''); // no best variant of test/best/accuracy
  });

  it('prints JSON that parses, with the curves read', async () => {
    const result = await compare(['kd-sweep', '--tracking-uri', join(store.path, 'mlruns'), '--format', 'json']);
    const comparison = JSON.parse(result.stdout);
    expect(comparison.groups).toHaveLength(3);
    expect(comparison.curves[0].points).toHaveLength(3);
  });

  it('exits 2 naming the problem for an unknown experiment, a --by path no run has, and a metric no run logged', async () => {
    const uri = ['--tracking-uri', join(store.path, 'mlruns')];
    const unknown = await compare(['kd-swep', ...uri]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kdlab compare: No experiment named 'kd-swep' in .*mlruns \(experiments there: .*'kd-sweep'.*\)\.\n$/);
    const badPath = await compare(['kd-sweep', ...uri, '--by', 'temperature']);
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toContain("--by 'temperature': no distilled run has a param 'temperature'");
    const badMetric = await compare(['kd-sweep', ...uri, '--metric', 'test/acc']);
    expect(badMetric.code).toBe(2);
    expect(badMetric.stderr).toContain("logged the metric 'test/acc' (they logged: model/latency_ms, model/params, test/accuracy, test/best/accuracy, val/accuracy)");
    expect(() => compareCommand().exitOverride().configureOutput({ writeErr: () => undefined }).parse(['kd-sweep', '--format', 'pdf'], { from: 'user' })).toThrow(/Allowed choices are table, markdown, csv, json, html/);
  });

  it('names the default HTML file after the experiment, safely', () => {
    expect(defaultHtmlReportPath('kd-sweep')).toBe('kd-sweep-compare.html');
    expect(defaultHtmlReportPath('a/b c')).toBe('a_b_c-compare.html');
  });
});
