import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { LocalRunSource, renderVegaLiteSvg, type StoredRun } from '@kdlab/report';
import { renderResultsPage, type StudySection } from './render-page.js';
import { runsCsv } from './runs-csv.js';
import type { StudyDefinition } from './study.js';
import { studyFacts } from './study-facts.js';
import { readExperiments, roleOf, studyRuns } from './study-runs.js';

/** Where the page is read from and written to. */
export interface ResultsPageOptions {
  /** The study store (holds `mlruns/`, `cache/` and the peers' results). */
  store: string;
  /** The page's Markdown file; the CSV and the plots' folder go beside it (`results.csv`, `results/`). */
  page: string;
  /** The repository root, for relative paths in the page. */
  root: string;
}

/** What {@link writeResultsPage} wrote. */
export interface WrittenPage {
  /** The page. */
  page: string;
  /** The CSV. */
  csv: string;
  /** The SVG files. */
  plots: string[];
  /** Each study's verdict. */
  verdicts: { id: string; verdict: string }[];
}

async function readPeers(store: string, studies: readonly StudyDefinition[]): Promise<Map<string, unknown>> {
  const peers = new Map<string, unknown>();
  for (const peer of studies.flatMap((study) => study.peers ?? [])) {
    const file = join(store, peer.results);
    if (!existsSync(file)) continue;
    try {
      peers.set(peer.name, JSON.parse(await readFile(file, 'utf8')) as unknown);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  return peers;
}

/**
 * Regenerates the results page from the study store: reads every study's runs (and its peers'
 * results), runs each study's analysis, renders the plots to SVG and writes the page, the per-run CSV
 * and the plots (removing plots that are no longer made). A study whose analysis throws gets its
 * error on the page instead of its tables; the others are unaffected.
 */
export async function writeResultsPage(studies: readonly StudyDefinition[], options: ResultsPageOptions): Promise<WrittenPage> {
  const store = resolve(options.store);
  const source = new LocalRunSource(join(store, 'mlruns'), relative(options.root, join(store, 'mlruns')) || '.');
  const all: Map<string, StoredRun[]> = existsSync(join(store, 'mlruns')) ? await readExperiments(source, studies.flatMap((study) => study.experimentNames)) : new Map();
  const peers = await readPeers(store, studies);
  const pageDir = resolve(options.page, '..');
  const base = options.page.replace(/\.md$/, '').split(/[\\/]/).pop()!;
  const plotDir = join(pageDir, base);
  await mkdir(plotDir, { recursive: true });
  const sections: StudySection[] = [];
  const plots: string[] = [];
  const csvRows: { study: string; experiment: string; run: StoredRun }[] = [];
  for (const study of studies) {
    const runs = studyRuns(all, study.experimentNames, peers);
    const own = study.experimentNames.flatMap((name) => all.get(name) ?? []);
    for (const name of study.experimentNames) for (const run of all.get(name) ?? []) if (roleOf(run) !== 'sweep') csvRows.push({ study: study.id, experiment: name, run });
    let analysis: StudySection['analysis'];
    const plotFiles: StudySection['plotFiles'] = [];
    try {
      analysis = study.analyse(runs);
      for (const plot of analysis.plots) {
        const file = join(plotDir, `${study.id}-${plot.name}.svg`);
        await writeFile(file, await renderVegaLiteSvg(plot.spec, `${study.id}-${plot.name}-`));
        plots.push(file);
        plotFiles.push({ file: `${base}/${study.id}-${plot.name}.svg`, caption: plot.caption });
      }
    } catch (error) {
      analysis = { error: (error as Error).message };
    }
    sections.push({ study, analysis, facts: studyFacts(own), plotFiles });
  }
  for (const stale of await readdir(plotDir)) {
    if (stale.endsWith('.svg') && !plots.includes(join(plotDir, stale))) await rm(join(plotDir, stale));
  }
  const csv = join(pageDir, `${base}.csv`);
  await writeFile(csv, runsCsv(csvRows));
  await writeFile(options.page, renderResultsPage(sections, { store: relative(options.root, store) || '.', csv: `${base}.csv` }));
  await source.close();
  return { page: options.page, csv, plots, verdicts: sections.map((s) => ({ id: s.study.id, verdict: 'error' in s.analysis ? 'analysis failed' : s.analysis.verdict.level })) };
}
