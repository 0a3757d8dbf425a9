import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison, LocalRunSource, renderHtmlReport } from '@kdlab/report';
import { writeFixtureRuns } from '../packages/report/test/support/fixture-runs.js';
import { findChromium, HeadlessChromium, pngSize } from '../packages/report/test/support/headless-chromium.js';
import { twoPathSweep } from '../packages/report/test/support/sweep-fixtures.js';

const chromium = findChromium();
if (chromium === undefined) {
  console.warn('compare-html-browser: skipped: no Chromium found (install Debian chromium, or set KDLAB_CHROMIUM to a Chromium/Chrome binary)');
}

describe.skipIf(chromium === undefined)('the HTML comparison report in headless Chromium', () => {
  let scratch: string;
  let browser: HeadlessChromium;
  let reportUrl: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kdlab-compare-html-'));
    await writeFixtureRuns(join(scratch, 'mlruns'), 'kd-two', twoPathSweep());
    const comparison = buildComparison(await new LocalRunSource(join(scratch, 'mlruns')).loadExperimentRuns('kd-two'));
    const report = join(scratch, 'report.html');
    await writeFile(report, await renderHtmlReport(comparison));
    reportUrl = pathToFileURL(report).href;
    browser = await HeadlessChromium.launch(chromium!);
  });
  afterAll(async () => {
    await browser?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('notices a console error when a page logs one (the check below can fail)', async () => {
    const page = join(scratch, 'broken.html');
    await writeFile(page, '<!DOCTYPE html><title>broken</title><script>console.error("deliberate failure")</script>');
    const visit = await browser.visit(pathToFileURL(page).href, { width: 400, height: 300, expression: '1' });
    expect(visit.errors).toEqual(['console.error: deliberate failure']);
  });

  it('renders the tables and every SVG plot with no console errors, in a screenshot of plausible size', async () => {
    const screenshot = join(scratch, 'report.png');
    const visit = await browser.visit(reportUrl, {
      width: 1200,
      height: 1600,
      screenshot,
      expression: `({
        svgs: [...document.querySelectorAll('figure.plot > svg')].map((svg) => { const box = svg.getBoundingClientRect(); return { width: box.width, height: box.height, marks: svg.querySelectorAll('path').length }; }),
        tables: document.querySelectorAll('table').length,
        rows: document.querySelectorAll('tbody tr').length,
        title: document.title,
      })`,
    });
    expect(visit.errors).toEqual([]);
    const page = visit.evaluated as { svgs: { width: number; height: number; marks: number }[]; tables: number; rows: number; title: string };
    expect(page.title).toBe('kdlab compare: kd-two');
    expect(page.tables).toBe(2);
    expect(page.rows).toBe(4 + 3 + 4); // groups + teacher and two baselines; groups again
    expect(page.svgs).toHaveLength(2 * 4 + 1); // 4 quantities against each of 2 swept paths, plus the training curves
    for (const svg of page.svgs) {
      expect(svg.width).toBeGreaterThan(200);
      expect(svg.height).toBeGreaterThan(150);
      expect(svg.marks).toBeGreaterThan(5);
    }
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(pngSize(readFileSync(screenshot))).toEqual({ width: 1200, height: 1600 });
  });
});
