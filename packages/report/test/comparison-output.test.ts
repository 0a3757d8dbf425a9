import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison } from '../src/comparison/build-comparison.js';
import type { Comparison } from '../src/comparison/comparison.js';
import { formatComparisonCsv } from '../src/format/format-comparison-csv.js';
import { formatComparisonJson } from '../src/format/format-comparison-json.js';
import { formatComparisonMarkdown, formatComparisonTable } from '../src/format/format-comparison-text.js';
import { formatPValue, formatSigned } from '../src/format/format-values.js';
import { renderHtmlReport } from '../src/html/render-html-report.js';
import { scopeSvgIds } from '../src/html/render-vega-lite-svg.js';
import { LocalRunSource } from '../src/runs/local-run-source.js';
import { makeTempFolder, type TempFolder } from '../../tracking/test/temp-store.js';
import { writeFixtureRuns } from './support/fixture-runs.js';
import { plainInvocations, temperatureSweep, twoPathSweep } from './support/sweep-fixtures.js';

let store: TempFolder;
let sweep: Comparison;
let two: Comparison;

/** Splits one CSV line into fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((match) => {
    const field = match[1]!;
    return field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
  });
}

beforeAll(async () => {
  store = await makeTempFolder('kdlab-compare-output-');
  await writeFixtureRuns(store.path, 'kd-sweep', temperatureSweep());
  await writeFixtureRuns(store.path, 'kd-two', twoPathSweep());
  await writeFixtureRuns(store.path, 'kd-plain', plainInvocations());
  const source = new LocalRunSource(store.path, './mlruns');
  sweep = buildComparison(await source.loadExperimentRuns('kd-sweep'));
  two = buildComparison(await source.loadExperimentRuns('kd-two'));
});
afterAll(() => store.remove());

describe('comparison output', () => {
  it('prints aligned terminal tables: metric over seeds with the references, then the paired comparison, then notes', () => {
    const lines = formatComparisonTable(sweep).split('\n');
    expect(lines[0]).toBe('experiment "kd-sweep" (./mlruns): 9 distilled runs in 3 group(s), by losses.1.temperature');
    expect(lines).toContain('losses.1.temperature  n  test/accuracy      sd            95% CI  test/best/accuracy      sd            95% CI');
    expect(lines).toContain('4                     3         0.9802  0.0009  [0.9780, 0.9825]              0.9807  0.0009  [0.9785, 0.9830]');
    expect(lines).toContain('teacher: mlp          1         0.9850       -         n/a (n=1)              0.9860       -         n/a (n=1)');
    expect(lines).toContain('4                         3        +0.0086  [+0.0031, +0.0141]  0.0212           0.64      99.5%        4.00x     3.00x');
    expect(lines).toContain('note: skipped 2 run(s) not FINISHED (1 FAILED, 1 RUNNING)');
    const header = lines.findIndex((line) => line.startsWith('losses.1.temperature  pairs'));
    const columnsAt = (line: string): number[] => [...line.matchAll(/\S+/g)].map((match) => match.index! + match[0].length);
    expect(columnsAt(lines[header + 2]!).at(-1)).toBe(columnsAt(lines[header]!).at(-1)); // right-aligned under its header
  });

  it('writes the reference labels across the grouping columns without widening them', () => {
    const lines = formatComparisonTable(two).split('\n');
    expect(lines).toContain('baseline (student.model.hidden=[100]): mlp  2         0.9660  0.0014  [0.9533, 0.9787]              0.9660  0.0000  [0.9660, 0.9660]');
    expect(lines.some((line) => line.startsWith('2                     [30]                  2         0.9635'))).toBe(true);
  });

  it('writes GitHub Markdown tables with alignment rows', () => {
    const markdown = formatComparisonMarkdown(sweep);
    expect(markdown).toContain('## kdlab compare: kd-sweep');
    expect(markdown).toContain('| losses.1.temperature | pairs | Δ vs baseline | 95% CI | p | gap recovered | retention | compression | speed-up |');
    expect(markdown).toContain('| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(markdown).toContain('| 8 | 3 | +0.0069 | [+0.0024, +0.0113] | 0.0220 | 0.51 | 99.3% | 4.00x | 3.00x |');
    expect(markdown).toContain('- skipped 2 run(s) not FINISHED (1 FAILED, 1 RUNNING)');
  });

  it('writes CSV with full-precision numbers, quoted labels and one row per group and reference', () => {
    const lines = formatComparisonCsv(two).trimEnd().split('\n');
    const header = csvFields(lines[0]!);
    expect(header.slice(0, 6)).toEqual(['row', 'label', 'losses.1.temperature', 'student.model.hidden', 'n', 'mean']);
    expect(lines).toHaveLength(1 + 4 + 3);
    const rows = lines.slice(1).map(csvFields);
    for (const row of rows) expect(row).toHaveLength(header.length);
    const first = Object.fromEntries(header.map((name, i) => [name, rows[0]![i]]));
    const group = two.groups[0]!;
    expect(first['label']).toBe('losses.1.temperature=2, student.model.hidden=[30]');
    expect(Number(first['mean'])).toBe(group.last!.mean);
    expect(Number(first['diff_p'])).toBe(group.differenceFromBaseline!.pValue);
    expect(first['run_ids']!.split(' ')).toEqual(group.runIds);
    expect(rows.slice(4).map((row) => row[0])).toEqual(['teacher', 'baseline', 'baseline']);
  });

  it('writes the comparison object as JSON, infinities as strings', () => {
    expect(JSON.parse(formatComparisonJson(sweep))).toEqual(JSON.parse(JSON.stringify(sweep)));
    const infinite = { ...sweep, groups: [{ ...sweep.groups[0]!, differenceFromBaseline: { ...sweep.groups[0]!.differenceFromBaseline!, tStatistic: -Infinity } }] };
    expect(JSON.parse(formatComparisonJson(infinite)).groups[0].differenceFromBaseline.tStatistic).toBe('-Infinity');
  });

  it('formats signs and p-values as a reader expects, and an ungrouped comparison with dashes for metrics not logged', async () => {
    expect([formatSigned(0.00861), formatSigned(-0.001), formatSigned(0), formatSigned(undefined)]).toEqual(['+0.0086', '-0.0010', '+0.0000', '-']);
    expect([formatPValue(0.02119), formatPValue(3e-7), formatPValue(undefined)]).toEqual(['0.0212', '<0.0001', '-']);
    const plain = buildComparison(await new LocalRunSource(store.path).loadExperimentRuns('kd-plain'));
    const text = formatComparisonTable(plain);
    expect(text).toMatch(/^distilled\s+2\s+0\.9675\s+0\.0035\s+\[0\.9357, 0\.9993\]\s+-\s+-\s+-$/m);
    expect(text).toMatch(/^distilled\s+2\s+\+0\.0165\s+\[-0\.0026, \+0\.0356\]\s+0\.0577\s+0\.55\s+98\.6%\s+4\.00x\s+-$/m);
    expect(text).toContain('2 distilled runs in 1 group(s), ungrouped (nothing swept)');
  });

  it('builds a self-contained HTML page: tables, one inline SVG per plot, no scripts and nothing loaded', async () => {
    const html = await renderHtmlReport(two, new Date('2026-01-02T03:04:05Z'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>kdlab compare: kd-two</title>');
    expect(html).toContain('Generated 2026-01-02T03:04:05.000Z');
    expect(html.match(/<figure class="plot" id="plot-\d+"><svg /g)).toHaveLength(2 * 4 + 1);
    expect(html).toContain('<h2>Against losses.1.temperature</h2>');
    expect(html).toContain('<h2>Against student.model.hidden</h2>');
    expect(html).toContain('<td class="left" colspan="2">baseline (student.model.hidden=[30]): mlp</td>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(http|href="http/i);
    expect(html).toContain('test/accuracy vs losses.1.temperature');
    expect(html).toContain('val/accuracy by epoch (mean over seeds)');
  });

  it('says there is nothing to plot against when nothing was swept', async () => {
    const plain = buildComparison(await new LocalRunSource(store.path).loadExperimentRuns('kd-plain'));
    const html = await renderHtmlReport(plain);
    expect(html).toContain('Nothing was swept: there is no swept value to plot against.');
    expect(html).toContain('No run logged val/accuracy.');
    expect(html).not.toContain('<svg');
  });

  it('gives the ids inside each SVG a prefix, references included', () => {
    const svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>';
    expect(scopeSvgIds(svg, 'plot2-')).toBe('<svg><defs><clipPath id="plot2-clip1"><rect/></clipPath></defs><g clip-path="url(#plot2-clip1)"><use href="#plot2-clip1"/></g></svg>');
  });
});
