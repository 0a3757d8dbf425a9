import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRun } from '@kdlab/report';
import { RUNS_CSV_COLUMNS } from '../page/runs-csv.js';
import type { StudyDefinition } from '../page/study.js';
import { studyFacts } from '../page/study-facts.js';
import { writeResultsPage, type WrittenPage } from '../page/write-results-page.js';
import { STUDIES } from '../studies/index.js';
import { makeTempDir, readStore, removeTempDir, T0, writeStore, type RunSpec } from './support/fixture-store.js';
import { differenceText, summaryText } from './support/reference.js';

const BASELINE = [150, 170, 140, 165, 150];
const T20 = [132, 130, 128, 135, 134];
const T4 = [145, 160, 138, 150, 149];
const MACHINE = 'Test CPU, 2 cores'; // a comma: the CSV must quote it

function hintonRuns(): RunSpec[] {
  const tags = { 'kdlab.invocation': 'inv-1', 'kdlab.backend': 'tensorflow', 'kdlab.machine.cpu': MACHINE };
  const runs: RunSpec[] = [
    // the sweep parent starts first and ends last: the invocation's wall time is its 25 minutes
    { name: 'sweep', role: 'sweep', tags, start: T0, end: T0 + 25 * 60_000, metrics: { 'sweep/trials': 10 } },
    { name: 'teacher', role: 'teacher', tags, params: { seed: 0 }, metrics: { 'test/errors': 120, 'test/accuracy': 0.988 } },
  ];
  BASELINE.forEach((errors, seed) => runs.push({ name: `baseline-${seed}`, role: 'baseline', tags, params: { studentSeed: seed }, metrics: { 'test/errors': errors, 'test/accuracy': 1 - errors / 10_000, 'val/accuracy': 0.97 } }));
  for (const [temperature, list, val] of [[20, T20, 0.985], [4, T4, 0.982]] as const) {
    list.forEach((errors, seed) =>
      runs.push({
        name: `distilled-T${temperature}-${seed}`,
        role: 'distilled',
        tags,
        teacher: 'teacher',
        params: { studentSeed: seed, 'losses.1.temperature': temperature, 'sweep.losses.1.temperature': temperature },
        metrics: { 'test/errors': errors, 'val/accuracy': val },
      }),
    );
  }
  // a run that failed: counted on the page, never averaged
  runs.push({ name: 'distilled-T20-5', role: 'distilled', status: 'FAILED', tags, teacher: 'teacher', params: { studentSeed: 5, 'losses.1.temperature': 20 }, metrics: { 'test/errors': 9999, 'val/accuracy': 0.1 } });
  return runs;
}

/** Study 3's runs without the per-class metric its analysis reads: the analysis throws. */
function brokenOmittedThreeRuns(): RunSpec[] {
  return [0, 1, 2].map((seed) => ({ name: `no3-baseline-${seed}`, role: 'baseline' as const, params: { studentSeed: seed, 'data.transfer.omitClasses': '[3]' }, metrics: { 'test/errors': 1000 + seed } }));
}

function ensembleRuns(): RunSpec[] {
  const tags = { 'kdlab.invocation': 'inv-2', 'kdlab.backend': 'wasm' }; // no machine tag
  const runs: RunSpec[] = [150, 128, 135, 131, 140].map((errors, i) => ({ name: `teacher-${i + 1}`, role: 'teacher' as const, tags, params: { seed: i }, metrics: { 'test/errors': errors } }));
  runs.push({ name: 'ensemble', role: 'ensemble', tags, metrics: { 'test/errors': 120 } });
  [175, 180, 172].forEach((errors, seed) => runs.push({ name: `e-baseline-${seed}`, role: 'baseline', tags, params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  [140, 150, 148].forEach((errors, seed) => runs.push({ name: `from-ensemble-${seed}`, role: 'distilled', tags, teacher: 'ensemble', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  [160, 165, 170].forEach((errors, seed) => runs.push({ name: `from-one-${seed}`, role: 'distilled', tags, teacher: 'teacher-1', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
  return runs;
}

/** Splits CSV text into rows of cells (quoted cells may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const cells: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') (value += '"'), (i += 2);
          else if (line[i] === '"') break;
          else value += line[i++];
        }
        cells.push(value);
        i += 2; // the closing quote and the comma
      } else {
        const end = line.indexOf(',', i);
        cells.push(line.slice(i, end < 0 ? line.length : end));
        i = end < 0 ? line.length + 1 : end + 1;
      }
    }
    rows.push(cells);
  }
  return rows;
}

describe('writeResultsPage on a fixture store', () => {
  let root: string;
  let store: string;
  let ids: Map<string, string>;
  let written: WrittenPage;
  let page: string;

  beforeAll(async () => {
    root = await makeTempDir();
    store = join(root, 'store');
    ids = await writeStore(store, { 'hinton-mnist-full': hintonRuns(), 'omitted-three': brokenOmittedThreeRuns(), 'ensemble-to-one': ensembleRuns() });
    // what an earlier page left: a plot no longer made, and a file that is not a plot
    await mkdir(join(root, 'docs', 'results'), { recursive: true });
    await writeFile(join(root, 'docs', 'results', 'temperature-by-width-difference-by-temperature.svg'), '<svg/>');
    await writeFile(join(root, 'docs', 'results', 'notes.txt'), 'kept');
    written = await writeResultsPage(STUDIES, { store, page: join(root, 'docs', 'results.md'), root });
    page = await readFile(written.page, 'utf8');
  });
  afterAll(async () => {
    await removeTempDir(root);
  });

  function section(id: string): string {
    const start = page.indexOf(`<a id="${id}"></a>`);
    const next = page.indexOf('\n## ', start);
    return page.slice(start, next < 0 ? undefined : next);
  }

  it('writes the page with every study\'s verdict, a study without runs as not run yet', () => {
    expect(written.page).toBe(join(root, 'docs', 'results.md'));
    expect(written.verdicts).toEqual([
      { id: 'hinton-mnist-full', verdict: 'reproduced' },
      { id: 'temperature-by-width', verdict: 'not run yet' },
      { id: 'omitted-three', verdict: 'analysis failed' },
      { id: 'less-data', verdict: 'not run yet' },
      { id: 'ensemble-to-one', verdict: 'reproduced' },
      { id: 'fitnets-mnist', verdict: 'not run yet' },
      { id: 'fitnets-depth', verdict: 'not run yet' },
      { id: 'distilbert-spam', verdict: 'not run yet' },
      { id: 'compression', verdict: 'not run yet' },
    ]);
    expect(page.startsWith('# Results: what kdlab reproduces\n')).toBe(true);
    expect(page).toContain('from the runs in `store` (newest run: 2023-11-14 22:38 UTC)');
    expect(page).toContain('The per-run numbers are in [results.csv](results.csv).');
    expect(section('temperature-by-width')).toContain('**Verdict: not run yet.**');
    expect(section('temperature-by-width')).toContain('- runs: 0 finished; student seeds: none yet');
    expect(section('temperature-by-width')).toContain('- wall time: not run yet');
    expect(section('less-data')).toContain('**Verdict: not run yet.**');
  });

  it('shows a study whose analysis throws with its error, and renders the others', () => {
    const broken = section('omitted-three');
    expect(broken).toContain(`**The analysis failed:** run ${ids.get('no3-baseline-0')} (baseline) has no metric test/errors_class_3`);
    expect(broken).not.toContain('**Verdict:');
    expect(broken).toContain('- runs: 3 finished; student seeds: 0, 1, 2');
    expect(section('ensemble-to-one')).toContain('**Verdict: reproduced.**');
  });

  it('counts unfinished runs without averaging them, and states the runs\' facts', () => {
    const first = section('hinton-mnist-full');
    expect(first).toContain(`| distilled, T = 20 (chosen on validation) | 5 | ${summaryText(T20)} | 74 | n/a | ${differenceText(T20, BASELINE)} |`);
    expect(first).not.toContain('9999');
    expect(first).toContain('- runs: 16 finished, 1 unfinished (counted, not averaged); student seeds: 0, 1, 2, 3, 4, 5');
    expect(first).toContain('- backend: tensorflow');
    expect(first).toContain(`- machine: ${MACHINE}`);
    expect(first).toContain('- wall time: 25 min');
    expect(section('ensemble-to-one')).toContain('- machine: not recorded (runs made before kdlab tagged the machine)');
    expect(page).toMatch(/\| \[1\. Soft targets on the full MNIST \(Hinton et al\. 2015, section 3\)\]\(#hinton-mnist-full\) \| reproduced \| 16 \| 25 min \|/);
  });

  it('writes one real SVG per plot beside the page, links it, and removes a stale one', async () => {
    const dir = join(root, 'docs', 'results');
    expect(written.plots).toEqual([join(dir, 'hinton-mnist-full-errors.svg'), join(dir, 'ensemble-to-one-errors.svg')]);
    for (const file of written.plots) {
      const svg = await readFile(file, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('</svg>');
    }
    expect(page).toContain('](results/hinton-mnist-full-errors.svg)');
    expect(page).toContain('](results/ensemble-to-one-errors.svg)');
    expect((await readdir(dir)).sort()).toEqual(['ensemble-to-one-errors.svg', 'hinton-mnist-full-errors.svg', 'notes.txt']);
  });

  it('writes the CSV: the header, then one row per run that is not a sweep parent, with its values', async () => {
    expect(written.csv).toBe(join(root, 'docs', 'results.csv'));
    const rows = parseCsv(await readFile(written.csv, 'utf8'));
    expect(rows[0]).toEqual([...RUNS_CSV_COLUMNS]);
    const body = rows.slice(1);
    expect(body.every((row) => row.length === RUNS_CSV_COLUMNS.length)).toBe(true);
    expect(body).toHaveLength(17 + 3 + 15);
    expect(body.map((row) => row[2])).not.toContain(ids.get('sweep'));
    expect(new Set(body.map((row) => row[2])).size).toBe(body.length);
    const byName = (name: string): Record<string, string> => {
      const row = body.find((r) => r[2] === ids.get(name));
      if (row === undefined) throw new Error(`no row for ${name}`);
      return Object.fromEntries(RUNS_CSV_COLUMNS.map((column, i) => [column, row[i]!]));
    };
    expect(byName('baseline-1')).toEqual({
      study: 'hinton-mnist-full', experiment: 'hinton-mnist-full', run_id: ids.get('baseline-1'), role: 'baseline', status: 'FINISHED', swept: '', student_seed: '1',
      test_errors: '170', test_accuracy: String(1 - 170 / 10_000), test_best_accuracy: '', val_accuracy: '0.97', best_val_accuracy: '', best_epoch: '',
      bias_shift: '', test_shifted_errors: '', train_seconds: '', params: '', backend: 'tensorflow', machine: MACHINE,
    });
    expect(byName('distilled-T4-2')).toMatchObject({ role: 'distilled', swept: '{"losses.1.temperature":"4"}', student_seed: '2', test_errors: '138', val_accuracy: '0.982' });
    expect(byName('distilled-T20-5')).toMatchObject({ status: 'FAILED', test_errors: '9999' });
    expect(byName('teacher')).toMatchObject({ role: 'teacher', student_seed: '', test_errors: '120' });
    expect(byName('ensemble')).toMatchObject({ study: 'ensemble-to-one', role: 'ensemble', machine: '', backend: 'wasm' });
    expect(byName('no3-baseline-2')).toMatchObject({ study: 'omitted-three', test_errors: '1002' });
  });

  describe('the peers\' results', () => {
    const withTwin = (): StudyDefinition[] =>
      STUDIES.map((study) => (study.id === 'hinton-mnist-full' ? { ...study, peers: [{ name: 'pytorch-twin/hinton-mnist-full', command: ['true'], results: 'pytorch-twin/hinton-mnist-full.json' }] } : study));

    it('reads a peer\'s JSON from the store into the study\'s table; a malformed one fails that study alone', async () => {
      const peerStore = join(root, 'peer-store');
      await writeStore(peerStore, { 'hinton-mnist-full': hintonRuns() });
      await mkdir(join(peerStore, 'pytorch-twin'));
      const file = join(peerStore, 'pytorch-twin', 'hinton-mnist-full.json');
      await writeFile(file, JSON.stringify({ torch_version: '2.5.1', runs: [{ role: 'teacher', seed: 0, temperature: null, test_errors: 71 }, ...[148, 160, 151].map((test_errors, seed) => ({ role: 'baseline', seed, test_errors }))] }));
      const twinPage = join(root, 'twin', 'results.md');
      const ok = await writeResultsPage(withTwin(), { store: peerStore, page: twinPage, root });
      expect(ok.verdicts[0]).toEqual({ id: 'hinton-mnist-full', verdict: 'reproduced' });
      const text = await readFile(twinPage, 'utf8');
      expect(text).toContain(`| baseline (hard labels) | 5 | ${summaryText(BASELINE)} | 146 | ${summaryText([148, 160, 151])} (n = 3) |`);
      expect(text).toContain('ran on PyTorch 2.5.1.');

      await writeFile(file, JSON.stringify({ runs: [{ role: 'teacher', seed: 0, test_errors: null }] }));
      const bad = await writeResultsPage(withTwin(), { store: peerStore, page: twinPage, root });
      expect(bad.verdicts.map((v) => v.verdict)).toEqual(['analysis failed', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet']);
      expect(await readFile(twinPage, 'utf8')).toMatch(/\*\*The analysis failed:\*\* the PyTorch twin's results are malformed: runs\.0\.test_errors: /);

      await writeFile(file, '{ not json');
      await expect(writeResultsPage(withTwin(), { store: peerStore, page: twinPage, root })).rejects.toThrow(file);
    });
  });

  it('a store without mlruns yields not run yet for every study', async () => {
    const empty = join(root, 'empty-store');
    await mkdir(empty);
    const result = await writeResultsPage(STUDIES, { store: empty, page: join(root, 'empty', 'results.md'), root });
    expect(result.verdicts.map((v) => v.verdict)).toEqual(['not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet', 'not run yet']);
    expect(result.plots).toEqual([]);
    expect(await readFile(result.csv, 'utf8')).toBe(`${RUNS_CSV_COLUMNS.join(',')}\n`);
    expect(existsSync(join(root, 'empty', 'results'))).toBe(true);
  });
});

describe('studyFacts', () => {
  const NOT_RECORDED = 'not recorded (runs made before kdlab tagged the machine)';

  let factsRoot: string;
  let runs: StoredRun[];
  beforeAll(async () => {
    factsRoot = await makeTempDir();
    const a = { 'kdlab.invocation': 'A', 'kdlab.backend': 'tensorflow', 'kdlab.machine.cpu': 'CPU X' };
    const b = { 'kdlab.invocation': 'B', 'kdlab.backend': 'tensorflow' };
    await writeStore(factsRoot, {
      facts: [
        // invocation A: from its teacher's start to its baseline's last metric, 90 s
        { name: 'teacher', role: 'teacher', tags: a, params: { seed: 7 }, start: T0, end: T0 + 60_000, metrics: { 'test/errors': 100 } },
        { name: 'baseline-0', role: 'baseline', tags: a, params: { studentSeed: 0 }, start: T0 + 10_000, end: T0 + 90_000, metrics: { 'test/errors': 150 } },
        // invocation B: its sweep parent starts first (999 s) and the last student ends at 1045 s: 46 s
        { name: 'sweep', role: 'sweep', tags: b, start: T0 + 999_000, end: T0 + 1_000_000, metrics: { 'sweep/trials': 2 } },
        { name: 'distilled-1', role: 'distilled', tags: { ...b, 'kdlab.machine.cpu': 'CPU Y' }, params: { studentSeed: 1 }, start: T0 + 1_000_000, end: T0 + 1_030_000, metrics: { 'test/errors': 130 } },
        { name: 'distilled-2', role: 'distilled', tags: b, params: { studentSeed: 2 }, start: T0 + 1_005_000, end: T0 + 1_045_000, metrics: { 'test/errors': 131 } },
        // no invocation tag: a span of its own, 5 s; it failed; no backend tag
        { name: 'baseline-3', role: 'baseline', status: 'FAILED', params: { studentSeed: 3 }, start: T0 + 2_000_000, end: T0 + 2_005_000, metrics: { 'train/loss': [1, 0.5] } },
      ],
    });
    runs = (await readStore(factsRoot, ['facts'])).get('facts')!;
  });
  afterAll(async () => {
    await removeTempDir(factsRoot);
  });

  it('sums the wall time per invocation, from its first start to its last metric (sweep parents included)', () => {
    expect(runs).toHaveLength(6);
    expect(studyFacts(runs).wallSeconds).toBeCloseTo(90 + 46 + 5, 9);
    expect(studyFacts(runs).newest).toBe(T0 + 2_005_000);
  });

  it('counts finished and unfinished training runs, not the sweep parent', () => {
    const facts = studyFacts(runs);
    expect(facts.finished).toBe(4);
    expect(facts.unfinished).toBe(1);
  });

  it('lists the students\' seeds (not the teacher\'s), the backends and the machines, "not recorded" for untagged runs', () => {
    const facts = studyFacts(runs);
    expect(facts.seeds).toEqual([0, 1, 2, 3]);
    expect(facts.backends).toEqual(['not recorded', 'tensorflow']);
    expect(facts.machines).toEqual(['CPU X', 'CPU Y', NOT_RECORDED]);
  });

  it('is empty for no runs', () => {
    expect(studyFacts([])).toEqual({ finished: 0, unfinished: 0, seeds: [], backends: [], machines: [], wallSeconds: 0, newest: 0 });
  });
});
