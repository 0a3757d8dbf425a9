// The studies' analyses (repro/studies), each on fixture stores written in the test: the tables'
// key numbers against independent computations (support/reference.ts) and the verdict criteria, each
// level reached by a fixture built for it. One file, so that @kdlab/core is imported once.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readNodeLatency } from '../page/node-latency.js';
import type { StudyAnalysis } from '../page/study.js';
import compression from '../studies/compression.js';
import distilbertSpam from '../studies/distilbert-spam.js';
import ensembleToOne from '../studies/ensemble-to-one.js';
import fitnetsDepth from '../studies/fitnets-depth.js';
import fitnetsMnist from '../studies/fitnets-mnist.js';
import hintonMnistFull from '../studies/hinton-mnist-full.js';
import lessData from '../studies/less-data.js';
import omittedThree from '../studies/omitted-three.js';
import temperatureByWidth from '../studies/temperature-by-width.js';
import { fixtureAnalysis, type RunSpec } from './support/fixture-store.js';
import { cell, differenceText, interval, mean, minus, sd, summaryText } from './support/reference.js';

/** The machine and runtime a Node-latency peer's fixture file records (both studies' fixtures). */
const NODE_PEER_MACHINE = {
  cpu: 'Test CPU',
  cores: 2,
  backend: 'node (@tensorflow/tfjs-node, built in /somewhere/.kdlab/native, TensorFlow 2.21.0 C library, 1 intra-op / 1 inter-op threads (from --threads))',
  tfjs: '4.22.0',
  node: 'v20.20.2',
  threads: { intraOp: 1, interOp: 1 },
};

describe('study 1: hinton-mnist-full', () => {
  const study = hintonMnistFull;

  const EXPERIMENT = 'hinton-mnist-full';
  const TWIN = 'pytorch-twin/hinton-mnist-full';

  interface Fixture {
    /** The teacher's test errors, or no teacher. */
    teacher?: number;
    /** Test errors by seed (index); `undefined` leaves the run out. */
    baseline: readonly (number | undefined)[];
    t20: readonly (number | undefined)[];
    t4: readonly (number | undefined)[];
    /** Final validation accuracy of every distilled student at each temperature. */
    val20: number;
    val4: number;
    /** Status of the T = 4 run of seed 4 (default FINISHED). */
    lastStatus?: 'FINISHED' | 'FAILED';
  }

  const BASELINE = [150, 170, 140, 165, 150];
  const T20 = [132, 130, 128, 135, 134];
  const T4 = [145, 160, 138, 150, 149];

  function runsOf(f: Fixture): RunSpec[] {
    const runs: RunSpec[] = [];
    const tags = { 'kdlab.invocation': 'inv-1', 'kdlab.backend': 'tensorflow', 'kdlab.machine.cpu': 'Test CPU' };
    if (f.teacher !== undefined) runs.push({ name: 'teacher', role: 'teacher', tags, params: { seed: 0 }, metrics: { 'test/errors': f.teacher, 'val/accuracy': 0.99 } });
    f.baseline.forEach((errors, seed) => {
      if (errors === undefined) return;
      // seed 4's baseline predates the test/errors metric: its errors come from test/accuracy
      const metrics: Record<string, number> = seed === 4 ? { 'test/accuracy': 1 - errors / 10_000, 'val/accuracy': 0.97 } : { 'test/errors': errors, 'val/accuracy': 0.97 };
      runs.push({ name: `baseline-${seed}`, role: 'baseline', tags, params: { studentSeed: seed, 'student.model.hidden': '[800,800]' }, metrics });
    });
    for (const [temperature, errorsList, val] of [[20, f.t20, f.val20], [4, f.t4, f.val4]] as const) {
      errorsList.forEach((errors, seed) => {
        if (errors === undefined) return;
        runs.push({
          name: `distilled-T${temperature}-${seed}`,
          role: 'distilled',
          tags,
          ...(f.teacher !== undefined ? { teacher: 'teacher' } : {}),
          ...(temperature === 4 && seed === 4 && f.lastStatus ? { status: f.lastStatus } : {}),
          params: { studentSeed: seed, 'losses.1.temperature': temperature, 'student.model.hidden': '[800,800]' },
          // the validation accuracy read is the last epoch's
          metrics: { 'test/errors': errors, 'val/accuracy': [0.5, 0.9, val + seed * 1e-4] },
        });
      });
    }
    return runs;
  }

  const analyseStore = fixtureAnalysis(study);
  const analyse = (f: Fixture | undefined, peers?: ReadonlyMap<string, unknown>): Promise<StudyAnalysis> =>
    analyseStore(f === undefined ? undefined : { [EXPERIMENT]: runsOf(f) }, peers);

  function gaps(distilled: readonly number[], baseline: readonly number[], teacher: number): number[] {
    return distilled.map((errors, i) => (baseline[i]! - errors) / (baseline[i]! - teacher));
  }

  const reproduced: Fixture = { teacher: 120, baseline: BASELINE, t20: T20, t4: T4, val20: 0.985, val4: 0.982 };

  it('tables the errors, the paired differences and the gap recovered as computed by hand', async () => {
    const analysis = await analyse(reproduced);
    const [errors] = analysis.tables;
    expect(errors!.columns.map((c) => c.header)).toEqual(['model', 'n', 'kdlab errors', 'paper', 'PyTorch twin', 'distilled - baseline', 'gap recovered']);
    expect(errors!.rows.map((r) => r.cells[0])).toEqual(['teacher', 'baseline (hard labels)', 'distilled, T = 20 (chosen on validation)', 'distilled, T = 4']);
    expect(cell(errors!, 'teacher', 'n')).toBe('1');
    expect(cell(errors!, 'teacher', 'kdlab errors')).toBe('120');
    expect(cell(errors!, 'teacher', 'paper')).toBe('67');
    expect(cell(errors!, 'baseline (hard labels)', 'n')).toBe('5');
    expect(cell(errors!, 'baseline (hard labels)', 'kdlab errors')).toBe(summaryText(BASELINE));
    expect(cell(errors!, 'baseline (hard labels)', 'paper')).toBe('146');

    const t20 = 'distilled, T = 20 (chosen on validation)';
    expect(cell(errors!, t20, 'n')).toBe('5');
    expect(cell(errors!, t20, 'kdlab errors')).toBe(summaryText(T20));
    expect(cell(errors!, t20, 'paper')).toBe('74');
    expect(cell(errors!, t20, 'PyTorch twin')).toBe('n/a');
    expect(cell(errors!, t20, 'distilled - baseline')).toBe(differenceText(T20, BASELINE));
    expect(cell(errors!, t20, 'distilled - baseline')).toMatch(/, p = 0\.011$/); // scipy.stats.ttest_rel: p = 0.010865
    expect(cell(errors!, t20, 'gap recovered')).toBe(summaryText(gaps(T20, BASELINE, 120), 2));

    expect(cell(errors!, 'distilled, T = 4', 'kdlab errors')).toBe(summaryText(T4));
    expect(cell(errors!, 'distilled, T = 4', 'paper')).toBe('');
    expect(cell(errors!, 'distilled, T = 4', 'distilled - baseline')).toBe(differenceText(T4, BASELINE));
    expect(cell(errors!, 'distilled, T = 4', 'distilled - baseline')).toMatch(/, p = 0\.065$/); // scipy: p = 0.065364
    expect(cell(errors!, 'distilled, T = 4', 'gap recovered')).toBe(summaryText(gaps(T4, BASELINE, 120), 2));

    expect(analysis.notes[0]).toBe('Validation accuracy (mean over seeds, last epoch): T = 20: 98.52%, T = 4: 98.22%; T = 20 is the one chosen.');
    expect(analysis.plots.map((p) => p.name)).toEqual(['errors']);
  });

  it('tables the sensitivity runs against the baseline at the same learning rate', async () => {
    const tags = { 'kdlab.invocation': 'inv-s', 'kdlab.backend': 'tensorflow', 'kdlab.machine.cpu': 'Test CPU' };
    const student = (name: string, role: 'baseline' | 'distilled', lr: number, hard: number | undefined, val: number, errors: number): RunSpec => ({
      name,
      role,
      tags,
      params: { studentSeed: 0, 'train.optimizer.learningRate': lr, ...(hard === undefined ? {} : { 'losses.0.weight': hard, 'losses.1.weight': 1 - hard }) },
      metrics: { 'test/errors': errors, 'val/accuracy': val },
    });
    const analysis = await analyseStore({
      [EXPERIMENT]: runsOf(reproduced),
      'hinton-mnist-full-sensitivity': [
        student('b-3', 'baseline', 0.001, undefined, 0.98, 150),
        student('b-4', 'baseline', 0.0003, undefined, 0.975, 160),
        student('d-3-01', 'distilled', 0.001, 0.1, 0.9855, 120),
        student('d-4-05', 'distilled', 0.0003, 0.5, 0.9745, 165),
      ],
    });
    const sensitivity = analysis.tables[1]!;
    expect(sensitivity.rows.map((r) => r.cells)).toEqual([
      ['0.0003', '0.5 / 0.5', '97.45%', '97.50%', '-0.05', '165', '160'],
      ['0.001', '0.1 / 0.9', '98.55%', '98.00%', '+0.55', '120', '150'],
    ]);
  });

  it('reproduced: the chosen temperature is significantly better and recovers at least half the gap', async () => {
    const analysis = await analyse(reproduced);
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.verdict.text).toContain('The teacher makes 120 errors (paper: 67). At T = 20');
    expect(analysis.verdict.text).toContain(differenceText(T20, BASELINE));
  });

  it('partly reproduced: significantly better but less than half the gap recovered', async () => {
    // a teacher at 40 errors leaves a gap of 100-130 errors, of which the students recover about a fifth
    const analysis = await analyse({ ...reproduced, teacher: 40 });
    const perSeed = gaps(T20, BASELINE, 40);
    expect(perSeed.reduce((a, b) => a + b, 0) / 5).toBeLessThan(0.5);
    expect(cell(analysis.tables[0]!, 'distilled, T = 20 (chosen on validation)', 'gap recovered')).toBe(summaryText(perSeed, 2));
    expect(analysis.verdict.level).toBe('partly reproduced');
  });

  it('not reproduced: the temperature chosen on validation (T = 4 here) is not significantly better, whatever T = 20 does on test', async () => {
    const analysis = await analyse({ ...reproduced, val20: 0.981, val4: 0.986 });
    expect(analysis.tables[0]!.rows.map((r) => r.cells[0])).toEqual(['teacher', 'baseline (hard labels)', 'distilled, T = 20', 'distilled, T = 4 (chosen on validation)']);
    expect(analysis.notes[0]).toMatch(/T = 4 is the one chosen\.$/);
    expect(analysis.verdict.level).toBe('not reproduced');
    expect(analysis.verdict.text).toContain(`At T = 4, distillation changes the errors by ${differenceText(T4, BASELINE)}`);
  });

  it('incomplete while runs are missing or unfinished, whatever the finished runs show', async () => {
    const missing = await analyse({ ...reproduced, t4: T4.slice(0, 4) });
    expect(missing.verdict.level).toBe('incomplete');
    expect(missing.verdict.text.startsWith('(15 of 16 runs finished so far.)')).toBe(true);

    const failed = await analyse({ ...reproduced, lastStatus: 'FAILED' });
    expect(failed.verdict.level).toBe('incomplete');
    expect(cell(failed.tables[0]!, 'distilled, T = 4', 'n')).toBe('4');
    expect(cell(failed.tables[0]!, 'distilled, T = 4', 'kdlab errors')).toBe(summaryText(T4.slice(0, 4)));

    const noTeacher = await analyse({ ...reproduced, teacher: undefined });
    expect(noTeacher.verdict).toMatchObject({ level: 'incomplete', text: '15 of 16 runs finished.' });
    expect(cell(noTeacher.tables[0]!, 'teacher', 'n')).toBe('0');
    expect(cell(noTeacher.tables[0]!, 'teacher', 'kdlab errors')).toBe('n/a');
  });

  it('not run yet without any run (no experiment in the store)', async () => {
    const analysis = await analyse(undefined);
    expect(analysis.verdict.level).toBe('not run yet');
    expect(analysis.verdict.text).toBe('0 of 16 runs finished.');
    expect(analysis.plots).toEqual([]);
    expect(cell(analysis.tables[0]!, 'baseline (hard labels)', 'kdlab errors')).toBe('n/a');
    expect(analysis.notes).toEqual([]);
  });

  describe('the PyTorch twin column', () => {
    const twin = {
      torch_version: '2.5.1',
      threads: 2,
      cpu: 'Twin CPU',
      runs: [
        { role: 'teacher', seed: 0, temperature: null, test_errors: 71 },
        ...[148, 160, 151].map((test_errors, seed) => ({ role: 'baseline', seed, temperature: null, test_errors })),
        ...[129, 133, 127].map((test_errors, seed) => ({ role: 'distilled', seed, temperature: 20, test_errors })),
        ...[141, 146, 139].map((test_errors, seed) => ({ role: 'distilled', seed, temperature: 4, test_errors })),
      ],
    };

    it('reads the peer JSON: each role (and temperature) summarised over the twin\'s seeds', async () => {
      const analysis = await analyse(reproduced, new Map([[TWIN, twin]]));
      const t = analysis.tables[0]!;
      expect(cell(t, 'teacher', 'PyTorch twin')).toBe('71 (n = 1)');
      expect(cell(t, 'baseline (hard labels)', 'PyTorch twin')).toBe(`${summaryText([148, 160, 151])} (n = 3)`);
      expect(cell(t, 'distilled, T = 20 (chosen on validation)', 'PyTorch twin')).toBe(`${summaryText([129, 133, 127])} (n = 3)`);
      expect(cell(t, 'distilled, T = 4', 'PyTorch twin')).toBe(`${summaryText([141, 146, 139])} (n = 3)`);
      const twinNote = analysis.notes.find((note) => note.startsWith('The PyTorch twin'))!;
      expect(twinNote).toContain('The PyTorch twin (repro/pytorch-twin: the same split, models, schedules and seeds, written independently of kdlab) ran on PyTorch 2.5.1, 2 threads, Twin CPU.');
      // scipy.stats.ttest_ind(kdlab, twin, equal_var=False).confidence_interval(): the Welch intervals of kdlab - twin
      expect(twinNote).toContain('Side by side: teacher: kdlab 120, twin 71 errors (one run each); baseline: kdlab - twin = 2.0 [-14.1, 18.1] errors (95% Welch interval; they agree); T = 20: kdlab - twin = 2.1 [-3.9, 8.1] errors (95% Welch interval; they agree); T = 4: kdlab - twin = 6.4 [-3.8, 16.6] errors (95% Welch interval; they agree).');
      const data = (analysis.plots[0]!.spec as { data: { values: { x: string; y: number; series: string }[] } }).data.values;
      expect(data.filter((p) => p.series === 'PyTorch twin').map((p) => [p.x, p.y])).toEqual([['distilled, T = 20', (129 + 133 + 127) / 3], ['distilled, T = 4', 142], ['teacher', 71], ['baseline', 153]]);
      // the verdict is kdlab's own
      expect(analysis.verdict.level).toBe('reproduced');
    });

    it('a malformed peer JSON is an error naming the field', async () => {
      const bad = { ...twin, runs: twin.runs.map((run, i) => (i === 1 ? { ...run, test_errors: 'many' } : run)) };
      await expect(analyse(reproduced, new Map([[TWIN, bad]]))).rejects.toThrow(/malformed: runs\.1\.test_errors: /);
      const noRole = { runs: [{ seed: 0, test_errors: 70 }] };
      await expect(analyse(reproduced, new Map([[TWIN, noRole]]))).rejects.toThrow(/runs\.0\.role/);
      await expect(analyse(reproduced, new Map([[TWIN, { runs: 'none' }]]))).rejects.toThrow(/malformed: runs: /);
    });
  });
});

describe('study 2: temperature-by-width', () => {
  const study = temperatureByWidth;

  const TEMPERATURES = [1, 2, 4, 8, 20] as const;
  type Width = 800 | 300 | 30;

  /** Test errors by seed, and the final validation accuracy, of each cell of a width. */
  interface WidthCells {
    baseline: number[];
    distilled: Record<(typeof TEMPERATURES)[number], { errors: number[]; val: number }>;
  }

  const WIDE: WidthCells = {
    baseline: [160, 165, 170],
    distilled: {
      1: { errors: [150, 152, 158], val: 0.978 },
      2: { errors: [140, 145, 147], val: 0.98 },
      4: { errors: [135, 138, 140], val: 0.982 },
      8: { errors: [130, 133, 137], val: 0.985 },
      20: { errors: [131, 132, 138], val: 0.986 }, // T = 20 - T = 8: +1, -1, +1: no significant difference
    },
  };
  const MIDDLE: WidthCells = {
    baseline: [180, 185, 190],
    distilled: {
      1: { errors: [170, 172, 178], val: 0.975 },
      2: { errors: [160, 165, 167], val: 0.977 },
      4: { errors: [155, 158, 160], val: 0.979 },
      8: { errors: [150, 153, 157], val: 0.983 }, // best on validation: T = 8
      20: { errors: [152, 151, 156], val: 0.982 },
    },
  };
  const NARROW: WidthCells = {
    baseline: [300, 310, 320],
    distilled: {
      1: { errors: [290, 295, 305], val: 0.95 },
      2: { errors: [270, 272, 280], val: 0.96 },
      4: { errors: [260, 262, 268], val: 0.965 }, // best; beats T = 20 by 25-28 and T = 1 by 30-37 errors
      8: { errors: [275, 280, 284], val: 0.958 },
      20: { errors: [285, 290, 296], val: 0.955 },
    },
  };

  function runsOf(cells: Record<Width, WidthCells>, leaveOut?: string): RunSpec[] {
    const runs: RunSpec[] = [{ name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: { 'test/errors': 110 } }];
    for (const width of [800, 300, 30] as const) {
      const hidden = `[${width},${width}]`;
      cells[width].baseline.forEach((errors, seed) => runs.push({ name: `w${width}-baseline-${seed}`, role: 'baseline', params: { studentSeed: seed, 'student.model.hidden': hidden }, metrics: { 'test/errors': errors, 'val/accuracy': 0.95 } }));
      for (const temperature of TEMPERATURES) {
        const { errors, val } = cells[width].distilled[temperature];
        errors.forEach((e, seed) =>
          runs.push({
            name: `w${width}-T${temperature}-${seed}`,
            role: 'distilled',
            teacher: 'teacher',
            params: { studentSeed: seed, 'student.model.hidden': hidden, 'losses.1.temperature': temperature, 'sweep.losses.1.temperature': temperature },
            metrics: { 'test/errors': e, 'val/accuracy': val },
          }),
        );
      }
    }
    return runs.filter((run) => run.name !== leaveOut);
  }

  const analyseStore = fixtureAnalysis(study);
  const analyse = (runs: RunSpec[] | undefined): Promise<StudyAnalysis> => analyseStore(runs === undefined ? undefined : { 'temperature-by-width': runs });

  const at = (width: string, training: string) => (first: string, cells: readonly string[]) => first === width && cells[1] === training;
  const withCell = (cells: WidthCells, temperature: (typeof TEMPERATURES)[number], change: Partial<{ errors: number[]; val: number }>): WidthCells => ({
    ...cells,
    distilled: { ...cells.distilled, [temperature]: { ...cells.distilled[temperature], ...change } },
  });

  it('reproduced: T = 8 and T = 20 alike for 800 and 300 units; T = 4 best and significantly better for 30', async () => {
    const analysis = await analyse(runsOf({ 800: WIDE, 300: MIDDLE, 30: NARROW }));
    const [errors, best] = analysis.tables;
    expect(cell(errors!, at('800-800', 'baseline'), 'test errors')).toBe(summaryText(WIDE.baseline));
    expect(cell(errors!, at('800-800', 'T = 20'), 'n')).toBe('3');
    expect(cell(errors!, at('800-800', 'T = 20'), 'test errors')).toBe(summaryText(WIDE.distilled[20].errors));
    expect(cell(errors!, at('800-800', 'T = 20'), 'distilled - baseline')).toBe(differenceText(WIDE.distilled[20].errors, WIDE.baseline));
    expect(cell(errors!, at('800-800', 'T = 20'), 'val accuracy')).toBe('98.60%');
    expect(cell(errors!, at('30-30', 'T = 4'), 'distilled - baseline')).toBe(differenceText(NARROW.distilled[4].errors, NARROW.baseline));

    expect(best!.rows.map((r) => r.cells.slice(0, 2))).toEqual([['800-800', 'T = 20'], ['300-300', 'T = 8'], ['30-30', 'T = 4']]);
    expect(cell(best!, '800-800', 'paired test of the claim')).toBe(`T = 20 - T = 8: ${differenceText(WIDE.distilled[20].errors, WIDE.distilled[8].errors)} errors`);
    expect(cell(best!, '30-30', 'paired test of the claim')).toBe(
      `T = 4 - T = 20: ${differenceText(NARROW.distilled[4].errors, NARROW.distilled[20].errors)}; T = 4 - T = 1: ${differenceText(NARROW.distilled[4].errors, NARROW.distilled[1].errors)} errors`,
    );
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.plots.map((p) => p.name)).toEqual(['difference-by-temperature']);
  });

  it('partly reproduced when the 30-unit student does best on validation at T = 20', async () => {
    const narrow = withCell(NARROW, 20, { val: 0.97 });
    const analysis = await analyse(runsOf({ 800: WIDE, 300: MIDDLE, 30: narrow }));
    expect(cell(analysis.tables[1]!, '30-30', 'best T (validation)')).toBe('T = 20');
    expect(analysis.verdict.level).toBe('partly reproduced');
  });

  it('not reproduced when T = 20 and T = 8 differ significantly for the wide students and T = 4 loses for 30', async () => {
    const wide = withCell(WIDE, 20, { errors: [140, 145, 148] }); // T = 20 - T = 8: +10, +12, +11
    const middle = withCell(MIDDLE, 20, { errors: [160, 165, 167] });
    const narrow = withCell(NARROW, 4, { errors: [288, 292, 300] }); // T = 4 - T = 20: +3, +2, +4
    const analysis = await analyse(runsOf({ 800: wide, 300: middle, 30: narrow }));
    expect(cell(analysis.tables[1]!, '800-800', 'paired test of the claim')).toBe(`T = 20 - T = 8: ${differenceText(wide.distilled[20].errors, WIDE.distilled[8].errors)} errors`);
    expect(analysis.verdict.level).toBe('not reproduced');
  });

  it('incomplete with a cell short of its seeds; not run yet without runs', async () => {
    const incomplete = await analyse(runsOf({ 800: WIDE, 300: MIDDLE, 30: NARROW }, 'w300-T2-1'));
    expect(cell(incomplete.tables[0]!, at('300-300', 'T = 2'), 'n')).toBe('2');
    expect(incomplete.verdict.level).toBe('incomplete');

    const empty = await analyse(undefined);
    expect(empty.verdict.level).toBe('not run yet');
    expect(empty.plots).toEqual([]);
    expect(empty.tables[1]!.rows.map((r) => r.cells[1])).toEqual(['n/a', 'n/a', 'n/a']);
  });
});

describe('study 3: omitted-three', () => {
  const study = omittedThree;

  /** Per seed: test errors, errors on the 3s, the bias shift, and both after the shift. */
  interface Group {
    errors: number[];
    threes: number[];
    shift: number[];
    shifted: number[];
    shiftedThrees: number[];
  }

  const NO_THREE_BASELINE: Group = { errors: [1150, 1160, 1170], threes: [1010, 1010, 1009], shift: [9.5, 10, 11.2], shifted: [600, 650, 700], shiftedThrees: [500, 520, 540] };
  const NO_THREE_DISTILLED: Group = { errors: [210, 220, 230], threes: [130, 140, 150], shift: [3.2, 3.5, 3.9], shifted: [110, 112, 114], shiftedThrees: [30, 40, 50] }; // 96.0% of the 3s right
  const EIGHT_BASELINE: Group = { errors: [7900, 7950, 8000], threes: [1010, 1010, 1010], shift: [12, 13, 14], shifted: [5000, 5100, 5200], shiftedThrees: [800, 810, 820] };
  const EIGHT_DISTILLED: Group = { errors: [4700, 4750, 4800], threes: [900, 910, 920], shift: [4.1, 4.3, 4.5], shifted: [1500, 1600, 1700], shiftedThrees: [100, 110, 120] }; // 16.0%

  function groupRuns(kind: 'no3' | '78', role: 'baseline' | 'distilled', group: Group): RunSpec[] {
    const transfer: Record<string, string> = kind === 'no3' ? { 'data.transfer.omitClasses': '[3]' } : { 'data.transfer.classes': '[7,8]' };
    return group.errors.map((errors, seed) => ({
      name: `${kind}-${role}-${seed}`,
      role,
      ...(role === 'distilled' ? { teacher: 'teacher' } : {}),
      params: { studentSeed: seed, 'student.model.hidden': '[800,800]', ...transfer, ...(role === 'distilled' ? { 'losses.1.temperature': 20 } : {}) },
      metrics: {
        'test/errors': errors,
        'test/errors_class_3': group.threes[seed]!,
        'bias_shift/value': group.shift[seed]!,
        'test/shifted/errors': group.shifted[seed]!,
        'test/shifted/errors_class_3': group.shiftedThrees[seed]!,
      },
    }));
  }

  function runsOf(groups: { noThree: [Group, Group]; eight: [Group, Group] }): RunSpec[] {
    return [
      { name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: { 'test/errors': 120 } },
      ...groupRuns('no3', 'baseline', groups.noThree[0]),
      ...groupRuns('no3', 'distilled', groups.noThree[1]),
      ...groupRuns('78', 'baseline', groups.eight[0]),
      ...groupRuns('78', 'distilled', groups.eight[1]),
    ];
  }

  const analyseStore = fixtureAnalysis(study);
  const analyse = (runs: RunSpec[] | undefined): Promise<StudyAnalysis> => analyseStore(runs === undefined ? undefined : { 'omitted-three': runs });

  const pct = (v: number): string => `${((v / 10_000) * 100).toFixed(1)}%`;

  it('reproduced: over 90% of the 3s right after the shift, and under 20% errors on 7s and 8s only', async () => {
    const analysis = await analyse(runsOf({ noThree: [NO_THREE_BASELINE, NO_THREE_DISTILLED], eight: [EIGHT_BASELINE, EIGHT_DISTILLED] }));
    const [threes, eights] = analysis.tables;
    expect(cell(threes!, 'distilled', 'n')).toBe('3');
    expect(cell(threes!, 'distilled', 'errors')).toBe(summaryText(NO_THREE_DISTILLED.errors));
    expect(cell(threes!, 'distilled', 'errors on 3s')).toBe(summaryText(NO_THREE_DISTILLED.threes));
    expect(cell(threes!, 'distilled', 'shift')).toBe(summaryText(NO_THREE_DISTILLED.shift, 2));
    expect(cell(threes!, 'distilled', 'errors on 3s, shifted')).toBe(summaryText(NO_THREE_DISTILLED.shiftedThrees));
    expect(cell(threes!, 'distilled', 'errors on 3s, shifted')).toBe('40.0 [15.2, 64.8]');
    expect(cell(threes!, 'baseline', 'errors, shifted')).toBe(summaryText(NO_THREE_BASELINE.shifted));
    expect(cell(threes!, 'paper, distilled', 'errors on 3s, shifted')).toBe('14');

    const rate = interval(EIGHT_DISTILLED.shifted);
    expect(cell(eights!, 'distilled', 'error rate, shifted')).toBe(`${pct(rate.mean)} [${pct(rate.low)}, ${pct(rate.high)}]`);
    expect(cell(eights!, 'distilled', 'error rate, shifted')).toMatch(/^16\.0% \[/);
    expect(cell(eights!, 'baseline', 'error rate')).toBe(`${pct(mean(EIGHT_BASELINE.errors))} [${pct(interval(EIGHT_BASELINE.errors).low)}, ${pct(interval(EIGHT_BASELINE.errors).high)}]`);

    expect(analysis.verdict.level).toBe('reproduced');
    // 1 - 40 / 1010 = 96.0%; baseline 1 - 520 / 1010 = 48.5%
    expect(analysis.verdict.text).toContain('gets 96.0% of the test 3s right after the shift (baseline: 48.5%)');
    expect(analysis.verdict.text).toContain('its shifted error rate is 16.0% (baseline: 51.0%)');
    expect(analysis.plots.map((p) => p.name)).toEqual(['threes']);
  });

  it('the weaker result decides: partly when 7s-and-8s reach only 30%, not reproduced when the 3s stay wrong', async () => {
    const eightPartly: Group = { ...EIGHT_DISTILLED, shifted: [2900, 3000, 3100] }; // 30%: partly (below 40%)
    const partly = await analyse(runsOf({ noThree: [NO_THREE_BASELINE, NO_THREE_DISTILLED], eight: [EIGHT_BASELINE, eightPartly] }));
    expect(partly.verdict.level).toBe('partly reproduced');

    const threesWrong: Group = { ...NO_THREE_DISTILLED, shiftedThrees: [700, 720, 740] }; // 28.7% right: below 50%
    const none = await analyse(runsOf({ noThree: [NO_THREE_BASELINE, threesWrong], eight: [EIGHT_BASELINE, EIGHT_DISTILLED] }));
    expect(none.verdict.level).toBe('not reproduced');
    expect(none.verdict.text).toContain('gets 28.7% of the test 3s right');
  });

  it('incomplete while a group lacks seeds; not run yet without runs', async () => {
    const short: Group = { errors: [4700, 4750], threes: [900, 910], shift: [4.1, 4.3], shifted: [1500, 1600], shiftedThrees: [100, 110] };
    const incomplete = await analyse(runsOf({ noThree: [NO_THREE_BASELINE, NO_THREE_DISTILLED], eight: [EIGHT_BASELINE, short] }));
    expect(cell(incomplete.tables[1]!, 'distilled', 'n')).toBe('2');
    expect(incomplete.verdict.level).toBe('incomplete');

    const empty = await analyse(undefined);
    expect(empty.verdict.level).toBe('not run yet');
    expect(cell(empty.tables[0]!, 'distilled', 'errors on 3s, shifted')).toBe('n/a');
    expect(empty.plots).toEqual([]);
  });
});

describe('study 4: less-data', () => {
  const study = lessData;

  const FRACTIONS = [0.01, 0.03, 0.1] as const;
  type Cells = Record<(typeof FRACTIONS)[number], { baseline: number[]; distilled: number[] }>;

  const MNIST: Cells = {
    0.01: { baseline: [900, 950, 1000], distilled: [700, 760, 790] },
    0.03: { baseline: [500, 520, 545], distilled: [400, 425, 430] },
    0.1: { baseline: [300, 310, 320], distilled: [250, 262, 266] },
  };
  const FASHION: Cells = {
    0.01: { baseline: [2500, 2550, 2600], distilled: [2300, 2330, 2390] },
    0.03: { baseline: [2000, 2050, 2080], distilled: [1900, 1940, 1990] },
    0.1: { baseline: [1500, 1520, 1530], distilled: [1450, 1470, 1490] },
  };

  function runsOf(prefix: string, teacher: number | undefined, cells: Cells): RunSpec[] {
    const runs: RunSpec[] = teacher === undefined ? [] : [{ name: `${prefix}-teacher`, role: 'teacher', params: { seed: 0 }, metrics: { 'test/errors': teacher } }];
    for (const fraction of FRACTIONS) {
      for (const role of ['baseline', 'distilled'] as const) {
        cells[fraction][role].forEach((errors, seed) =>
          runs.push({
            name: `${prefix}-${fraction}-${role}-${seed}`,
            role,
            ...(role === 'distilled' && teacher !== undefined ? { teacher: `${prefix}-teacher` } : {}),
            params: { studentSeed: seed, 'data.transfer.fraction': fraction, 'student.model.hidden': '[800,800]' },
            metrics: { 'test/errors': errors },
          }),
        );
      }
    }
    return runs;
  }

  const analyse = fixtureAnalysis(study);

  const at = (data: string, student: string) => (first: string, cells: readonly string[]) => first === data && cells[1] === student;

  it('reproduced: significantly fewer errors with soft targets at every fraction of both datasets', async () => {
    const analysis = await analyse({ 'less-data': runsOf('mnist', 110, MNIST), 'less-data-fashion': runsOf('fashion', 850, FASHION) });
    const [errors] = analysis.tables;
    expect(cell(errors!, at('MNIST', 'teacher (all data)'), 'test errors')).toBe('110');
    expect(cell(errors!, at('Fashion-MNIST', 'teacher (all data)'), 'test errors')).toBe('850');
    expect(cell(errors!, at('MNIST', '3%: baseline'), 'test errors')).toBe(summaryText(MNIST[0.03].baseline));
    expect(cell(errors!, at('MNIST', '3%: distilled'), 'n')).toBe('3');
    expect(cell(errors!, at('MNIST', '3%: distilled'), 'test errors')).toBe(summaryText(MNIST[0.03].distilled));
    expect(cell(errors!, at('MNIST', '3%: distilled'), 'distilled - baseline')).toBe(differenceText(MNIST[0.03].distilled, MNIST[0.03].baseline));
    expect(cell(errors!, at('MNIST', '3%: distilled'), 'sd')).toBe(sd(MNIST[0.03].distilled).toFixed(1));
    expect(cell(errors!, at('Fashion-MNIST', '10%: distilled'), 'distilled - baseline')).toBe(differenceText(FASHION[0.1].distilled, FASHION[0.1].baseline));
    const students = ['teacher (all data)', '1%: baseline', '1%: distilled', '3%: baseline', '3%: distilled', '10%: baseline', '10%: distilled'];
    expect(errors!.rows.map((r) => r.cells.slice(0, 2).join(' / '))).toEqual([...students.map((s) => `MNIST / ${s}`), ...students.map((s) => `Fashion-MNIST / ${s}`)]);
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.verdict.text).toContain('Significantly fewer errors with soft targets at: MNIST 1%, MNIST 3%, MNIST 10%, Fashion-MNIST 1%, Fashion-MNIST 3%, Fashion-MNIST 10% (of 6 cells finished).');
    const points = (analysis.plots[0]!.spec as { data: { values: { x: number; y: number; series: string }[] } }).data.values;
    expect(points.filter((p) => p.series === 'MNIST').map((p) => [p.x, p.y])).toEqual(
      FRACTIONS.map((f) => [f * 100, minus(MNIST[f].distilled, MNIST[f].baseline).reduce((a, b) => a + b, 0) / 3]),
    );
  });

  it('partly reproduced when soft targets do not help significantly on Fashion-MNIST at 10%', async () => {
    const fashion: Cells = { ...FASHION, 0.1: { baseline: [1500, 1520, 1530], distilled: [1490, 1530, 1520] } }; // -10, +10, -10
    const analysis = await analyse({ 'less-data': runsOf('mnist', 110, MNIST), 'less-data-fashion': runsOf('fashion', 850, fashion) });
    expect(analysis.verdict.level).toBe('partly reproduced');
    expect(analysis.verdict.text).toContain('at: MNIST 1%, MNIST 3%, MNIST 10%, Fashion-MNIST 1%, Fashion-MNIST 3% (of 6 cells finished)');
  });

  it('incomplete while the Fashion-MNIST experiment has no runs; not run yet with neither', async () => {
    const incomplete = await analyse({ 'less-data': runsOf('mnist', 110, MNIST) });
    expect(incomplete.verdict.level).toBe('incomplete');
    expect(cell(incomplete.tables[0]!, at('Fashion-MNIST', 'teacher (all data)'), 'test errors')).toBe('n/a');
    expect(incomplete.verdict.text).toContain('(of 3 cells finished)');

    const empty = await analyse({});
    expect(empty.verdict.level).toBe('not run yet');
    expect(empty.plots).toEqual([]);
  });
});

describe('study 5: ensemble-to-one', () => {
  const study = ensembleToOne;

  const MEMBERS = [150, 128, 135, 131, 140]; // teacher-1 .. teacher-5
  const ENSEMBLE = 120;
  const BASELINE = [175, 180, 172];
  const FROM_ONE = [160, 165, 170];
  const FROM_ENSEMBLE = [140, 150, 148]; // 20, 15 and 22 of the ensemble's 30-error gain kept

  interface Fixture {
    members?: readonly number[];
    ensemble?: number;
    fromOne?: readonly number[];
    fromEnsemble?: readonly number[];
  }

  function runsOf(f: Fixture): RunSpec[] {
    const members = f.members ?? MEMBERS;
    // written in reverse so that the analysis must sort the members by name
    const runs: RunSpec[] = members.map((errors, i) => ({ name: `teacher-${i + 1}`, role: 'teacher' as const, params: { seed: i }, metrics: { 'test/errors': errors } })).reverse();
    if (f.ensemble !== undefined) runs.push({ name: 'ensemble', role: 'ensemble', metrics: { 'test/errors': f.ensemble } });
    BASELINE.forEach((errors, seed) => runs.push({ name: `baseline-${seed}`, role: 'baseline', params: { studentSeed: seed }, metrics: { 'test/errors': errors } }));
    (f.fromEnsemble ?? FROM_ENSEMBLE).forEach((errors, seed) => runs.push({ name: `from-ensemble-${seed}`, role: 'distilled', teacher: 'ensemble', params: { studentSeed: seed, 'losses.1.temperature': 4 }, metrics: { 'test/errors': errors } }));
    (f.fromOne ?? FROM_ONE).forEach((errors, seed) => runs.push({ name: `from-one-${seed}`, role: 'distilled', teacher: 'teacher-1', params: { studentSeed: seed, 'losses.1.temperature': 4 }, metrics: { 'test/errors': errors } }));
    return runs;
  }

  const analyseStore = fixtureAnalysis(study);
  const analyse = (f: Fixture | undefined): Promise<StudyAnalysis> => analyseStore(f === undefined ? undefined : { 'ensemble-to-one': runsOf(f) });

  function kept(fromOne: readonly number[], fromEnsemble: readonly number[]): number[] {
    return fromEnsemble.map((errors, seed) => (fromOne[seed]! - errors) / (MEMBERS[0]! - ENSEMBLE));
  }

  it('reproduced: the ensemble\'s student beats member 1\'s significantly and keeps over half the gain', async () => {
    const analysis = await analyse({ ensemble: ENSEMBLE });
    const [errors, share] = analysis.tables;
    expect(cell(errors!, 'teachers (each)', 'n')).toBe('5');
    expect(cell(errors!, 'teachers (each)', 'test errors')).toBe(summaryText(MEMBERS));
    expect(cell(errors!, 'teachers (each)', 'differences')).toBe('150, 128, 135, 131, 140'); // teacher-1 .. teacher-5
    expect(cell(errors!, 'ensemble of the teachers (mean logits)', 'test errors')).toBe('120');
    expect(cell(errors!, 'student, baseline', 'test errors')).toBe(summaryText(BASELINE));
    expect(cell(errors!, 'student distilled from member 1', 'test errors')).toBe(summaryText(FROM_ONE));
    expect(cell(errors!, 'student distilled from member 1', 'differences')).toBe(`vs baseline ${differenceText(FROM_ONE, BASELINE)}`);
    expect(cell(errors!, 'student distilled from the ensemble', 'test errors')).toBe(summaryText(FROM_ENSEMBLE));
    expect(cell(errors!, 'student distilled from the ensemble', 'differences')).toBe(`vs baseline ${differenceText(FROM_ENSEMBLE, BASELINE)}; vs member 1's student ${differenceText(FROM_ENSEMBLE, FROM_ONE)}`);
    expect(share!.rows[0]!.cells).toEqual(['30', summaryText(kept(FROM_ONE, FROM_ENSEMBLE), 2)]);
    expect(mean(kept(FROM_ONE, FROM_ENSEMBLE))).toBeGreaterThan(0.5);
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.plots.map((p) => p.name)).toEqual(['errors']);
  });

  it('partly reproduced when the ensemble\'s student is significantly better but keeps under half the gain', async () => {
    const fromEnsemble = [155, 158, 162]; // -5, -7, -8: 0.22 of the gain
    const analysis = await analyse({ ensemble: ENSEMBLE, fromEnsemble });
    expect(analysis.tables[1]!.rows[0]!.cells[1]).toBe(summaryText(kept(FROM_ONE, fromEnsemble), 2));
    expect(analysis.verdict.level).toBe('partly reproduced');
  });

  it('partly reproduced when the ensemble\'s student keeps the gain over member 1\'s but is no better than its baseline; a note says member 1\'s student is worse than the baseline', async () => {
    const fromOne = [190, 196, 188]; // +15, +16, +16 over the baseline
    const fromEnsemble = [174, 181, 171]; // -16, -15, -17 against member 1's; -1, +1, -1 against the baseline
    const analysis = await analyse({ ensemble: ENSEMBLE, fromOne, fromEnsemble });
    expect(mean(kept(fromOne, fromEnsemble))).toBeGreaterThan(0.5);
    expect(analysis.verdict.level).toBe('partly reproduced');
    expect(analysis.verdict.text).toContain(`differs from its baseline by ${differenceText(fromEnsemble, BASELINE)} errors`);
    expect(analysis.notes).toEqual([expect.stringContaining(`Distilled from member 1 alone, the student is significantly worse than its baseline (${differenceText(fromOne, BASELINE)} errors): member 1 (150 errors) is about as good as the baseline student (${summaryText(BASELINE)})`)]);
  });

  it('not reproduced when the ensemble\'s student is no better than member 1\'s', async () => {
    const analysis = await analyse({ ensemble: ENSEMBLE, fromEnsemble: [162, 163, 171] }); // +2, -2, +1
    expect(analysis.verdict.level).toBe('not reproduced');
  });

  it('incomplete while a member is missing; not run yet without runs', async () => {
    const incomplete = await analyse({ ensemble: ENSEMBLE, members: MEMBERS.slice(0, 4) });
    expect(cell(incomplete.tables[0]!, 'teachers (each)', 'n')).toBe('4');
    expect(incomplete.tables[1]!.rows[0]!.cells).toEqual(['30', summaryText(kept(FROM_ONE, FROM_ENSEMBLE), 2)]);
    expect(incomplete.verdict.level).toBe('incomplete');

    const empty = await analyse(undefined);
    expect(cell(empty.tables[0]!, 'ensemble of the teachers (mean logits)', 'n')).toBe('0');
    expect(empty.tables[1]!.rows[0]!.cells).toEqual(['n/a', 'n/a']);
    expect(empty.verdict.level).toBe('not run yet');
    expect(empty.plots).toEqual([]);
  });
});

describe('study 6: fitnets-mnist', () => {
  const study = fitnetsMnist;

  // test errors out of 10,000 by student seed
  const MNIST = { teacher: 60, plain: [190, 175, 182], kd: [90, 84, 95], hints: [70, 69, 80] };
  const FASHION = { teacher: 800, plain: [1100, 1120, 1090], kd: [1000, 1030, 990], hints: [960, 1000, 955] };

  type Arms = typeof MNIST;

  function runsOf(arms: Arms, seeds = 3): RunSpec[] {
    const runs: RunSpec[] = [{ name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: { 'test/errors': arms.teacher, 'model/params': 349_254 } }];
    const student = { 'student.model.depth': 9, 'student.model.width': 8 };
    for (let seed = 0; seed < seeds; seed++) {
      runs.push({ name: `baseline-${seed}`, role: 'baseline', params: { studentSeed: seed, ...student }, metrics: { 'test/errors': arms.plain[seed]!, 'model/params': 30_522 } });
      runs.push({ name: `kd-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, ...student, 'losses.1.temperature': 3 }, metrics: { 'test/errors': arms.kd[seed]!, 'model/params': 30_522 } });
      runs.push({ name: `hints-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, ...student, 'stages.0.name': 'hints', 'stages.1.losses.1.temperature': 3 }, metrics: { 'test/errors': arms.hints[seed]!, 'model/params': 30_522 } });
    }
    return runs;
  }

  const analyse = fixtureAnalysis(study);

  const percent = (errors: readonly number[]): number[] => errors.map((e) => e / 100);
  const row = (data: string, model: string) => (first: string, cells: readonly string[]) => first === data && cells[1] === model;

  it('reproduced: plain > KD > hints + KD on both datasets, in test error % with intervals and paired differences', async () => {
    const analysis = await analyse({ 'fitnets-mnist': runsOf(MNIST), 'fitnets-fashion': runsOf(FASHION) });
    const [errors, differences] = analysis.tables;
    expect(cell(errors!, row('MNIST', 'teacher'), 'test error (%)')).toBe('0.60');
    expect(cell(errors!, row('MNIST', 'teacher'), 'parameters')).toBe('349,254');
    expect(cell(errors!, row('MNIST', 'plain backprop'), 'n')).toBe('3');
    expect(cell(errors!, row('MNIST', 'plain backprop'), 'test error (%)')).toBe(summaryText(percent(MNIST.plain), 2));
    expect(cell(errors!, row('MNIST', 'KD'), 'test error (%)')).toBe(summaryText(percent(MNIST.kd), 2));
    expect(cell(errors!, row('Fashion-MNIST', 'hints + KD'), 'test error (%)')).toBe(summaryText(percent(FASHION.hints), 2));
    expect(cell(errors!, row('MNIST', 'hints + KD'), 'parameters')).toBe('30,522');
    expect(cell(differences!, 'MNIST', 'KD - plain')).toBe(differenceText(percent(MNIST.kd), percent(MNIST.plain), 2));
    expect(cell(differences!, 'MNIST', 'hints + KD - KD')).toBe(differenceText(percent(MNIST.hints), percent(MNIST.kd), 2));
    expect(cell(differences!, 'Fashion-MNIST', 'hints + KD - plain')).toBe(differenceText(percent(FASHION.hints), percent(FASHION.plain), 2));
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.plots.map((p) => p.name)).toEqual(['errors-by-arm']);
  });

  it('partly reproduced when hints add nothing over KD on Fashion-MNIST', async () => {
    const fashion = { ...FASHION, hints: [1010, 1020, 985] }; // +10, -10, -5 against KD
    const analysis = await analyse({ 'fitnets-mnist': runsOf(MNIST), 'fitnets-fashion': runsOf(fashion) });
    expect(analysis.verdict.level).toBe('partly reproduced');
    expect(analysis.verdict.text).toContain('Fashion-MNIST: KD beats plain backprop; hints + KD does not significantly beat KD.');
  });

  it('not reproduced when neither KD nor hints beat what they should', async () => {
    const flat = (arms: Arms): Arms => ({ ...arms, kd: [arms.plain[0]! + 3, arms.plain[1]! - 2, arms.plain[2]! + 1], hints: [arms.plain[0]! + 5, arms.plain[1]! - 1, arms.plain[2]! + 4] });
    const analysis = await analyse({ 'fitnets-mnist': runsOf(flat(MNIST)), 'fitnets-fashion': runsOf(flat(FASHION)) });
    expect(analysis.verdict.level).toBe('not reproduced');
  });

  it('incomplete while the Fashion-MNIST arms lack seeds; not run yet without runs', async () => {
    const incomplete = await analyse({ 'fitnets-mnist': runsOf(MNIST), 'fitnets-fashion': runsOf(FASHION, 2) });
    expect(cell(incomplete.tables[0]!, row('Fashion-MNIST', 'KD'), 'n')).toBe('2');
    expect(incomplete.verdict.level).toBe('incomplete');
    const empty = await analyse(undefined);
    expect(cell(empty.tables[0]!, row('MNIST', 'teacher'), 'test error (%)')).toBe('n/a');
    expect(empty.verdict.level).toBe('not run yet');
    expect(empty.plots).toEqual([]);
  });
});

describe('study 7: fitnets-depth', () => {
  const study = fitnetsDepth;
  const DEPTHS = [3, 6, 9, 13, 19] as const;
  const WIDTHS = [18, 10, 8, 6, 5] as const;

  // test errors out of 10,000, [seed 0, seed 1], by depth
  interface Fixture {
    plain: readonly (readonly number[])[];
    kd: readonly (readonly number[])[];
    hints: readonly (readonly number[])[];
  }
  const TRAINS: Fixture = {
    plain: [[150, 160], [120, 130], [110, 118], [130, 125], [170, 180]],
    kd: [[120, 130], [100, 104], [90, 96], [100, 110], [150, 152]],
    hints: [[118, 128], [95, 100], [85, 90], [92, 95], [120, 131]],
  };

  function runsOf(f: Fixture, seeds = 2): RunSpec[] {
    const runs: RunSpec[] = [{ name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: { 'test/errors': 60 } }];
    DEPTHS.forEach((depth, i) => {
      const student = { 'student.model.depth': depth, 'student.model.width': WIDTHS[i]! };
      for (let seed = 0; seed < seeds; seed++) {
        const metrics = (errors: number) => ({ 'test/errors': errors, 'model/params': 30_000 + depth });
        runs.push({ name: `plain-${depth}-${seed}`, role: 'baseline', params: { studentSeed: seed, ...student }, metrics: metrics(f.plain[i]![seed]!) });
        runs.push({ name: `kd-${depth}-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, ...student, 'losses.1.temperature': 3 }, metrics: metrics(f.kd[i]![seed]!) });
        runs.push({ name: `hints-${depth}-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, ...student, 'stages.0.name': 'hints' }, metrics: metrics(f.hints[i]![seed]!) });
      }
    });
    return runs;
  }

  const analyseStore = fixtureAnalysis(study);
  const analyse = (f: Fixture | undefined, seeds = 2): Promise<StudyAnalysis> => analyseStore(f === undefined ? undefined : { 'fitnets-depth': runsOf(f, seeds) });
  const percent = (errors: readonly number[]): number[] => errors.map((e) => e / 100);

  it('partly reproduced when every depth trains and hints beat plain backprop on every seed at depth 19; the table by depth', async () => {
    const analysis = await analyse(TRAINS);
    const [errors] = analysis.tables;
    expect(errors!.rows.map((row) => row.cells[0])).toEqual(['3', '6', '9', '13', '19']);
    expect(cell(errors!, '13', 'width')).toBe('6');
    expect(cell(errors!, '13', 'parameters')).toBe('30,013');
    expect(cell(errors!, '13', 'n (plain / KD / hints)')).toBe('2 / 2 / 2');
    expect(cell(errors!, '13', 'plain backprop')).toBe(summaryText(percent(TRAINS.plain[3]!), 2));
    expect(cell(errors!, '19', 'KD')).toBe(summaryText(percent(TRAINS.kd[4]!), 2));
    expect(cell(errors!, '19', 'hints + KD')).toBe(summaryText(percent(TRAINS.hints[4]!), 2));
    expect(cell(errors!, '19', 'hints + KD - plain')).toBe(differenceText(percent(TRAINS.hints[4]!), percent(TRAINS.plain[4]!), 2));
    expect(analysis.verdict.level).toBe('partly reproduced');
    expect(analysis.verdict.text).toContain('Plain backprop trains at every depth.');
    expect(analysis.plots.map((p) => p.name)).toEqual(['error-by-depth']);
  });

  it('reproduced when plain backprop and KD stop training at depth 19 and hints + KD trains', async () => {
    const analysis = await analyse({ ...TRAINS, plain: [...TRAINS.plain.slice(0, 4), [8865, 8990]], kd: [...TRAINS.kd.slice(0, 4), [6000, 8865]] });
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.verdict.text).toContain('Hints + KD trains where plain backprop and KD do not, at depth 19.');
  });

  it('not reproduced when hints + KD is above plain backprop on a seed at depth 19, or fails with it', async () => {
    expect((await analyse({ ...TRAINS, hints: [...TRAINS.hints.slice(0, 4), [120, 185]] })).verdict.level).toBe('not reproduced');
    const allFail = await analyse({ plain: [...TRAINS.plain.slice(0, 4), [8865, 8990]], kd: [...TRAINS.kd.slice(0, 4), [8865, 8990]], hints: [...TRAINS.hints.slice(0, 4), [8865, 8000]] });
    expect(allFail.verdict.level).toBe('not reproduced');
    expect(allFail.verdict.text).toContain('Plain backprop does not train at depth 19.');
  });

  it('incomplete with one seed per cell; not run yet without runs', async () => {
    const one = await analyse(TRAINS, 1);
    expect(cell(one.tables[0]!, '3', 'n (plain / KD / hints)')).toBe('1 / 1 / 1');
    expect(one.verdict.level).toBe('incomplete');
    const empty = await analyse(undefined);
    expect(cell(empty.tables[0]!, '9', 'plain backprop')).toBe('n/a');
    expect(empty.verdict.level).toBe('not run yet');
  });
});

describe('study 8: compression', () => {
  const study = compression;
  const TEACHER_PARAMS = 349_254;
  const STUDENT_PARAMS = 30_522;
  const JSON_BYTES = 3_000;
  const teacherFile = 4 * TEACHER_PARAMS + JSON_BYTES;

  interface Fixture {
    teacherAccuracy: number;
    /** Test accuracy of the teacher's uint8 file. */
    teacherUint8: number;
    /** Per seed: the pruned teacher's accuracy. */
    teacherPruned: readonly number[];
    /** Per seed: the KD student's accuracy, and its uint8 file's. */
    kd: readonly number[];
    kdUint8: readonly number[];
    studentPruned: readonly number[];
  }
  const GOOD: Fixture = { teacherAccuracy: 0.994, teacherUint8: 0.9938, teacherPruned: [0.992, 0.991, 0.993], kd: [0.99, 0.991, 0.989], kdUint8: [0.9895, 0.9905, 0.989], studentPruned: [0.985, 0.986, 0.984] };

  const quantized = (params: number, uint8Accuracy: number, float16Accuracy: number) => ({
    'quantized/uint8/bytes': params + JSON_BYTES + 300,
    'quantized/uint8/test/accuracy': uint8Accuracy,
    'quantized/float16/bytes': 2 * params + JSON_BYTES + 200,
    'quantized/float16/test/accuracy': float16Accuracy,
  });

  function stores(f: Fixture, prunedSeeds = 3): Record<string, RunSpec[]> {
    const fitnets: RunSpec[] = [
      { name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: { 'model/params': TEACHER_PARAMS, 'model/bytes_on_disk': teacherFile, 'test/accuracy': f.teacherAccuracy, 'model/latency_ms': 2, ...quantized(TEACHER_PARAMS, f.teacherUint8, f.teacherAccuracy) } },
    ];
    f.kd.forEach((accuracy, seed) =>
      fitnets.push({ name: `kd-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, 'losses.1.temperature': 3 }, metrics: { 'model/params': STUDENT_PARAMS, 'model/bytes_on_disk': 4 * STUDENT_PARAMS + JSON_BYTES, 'test/accuracy': accuracy, 'model/latency_ms': 1 + seed / 10, ...quantized(STUDENT_PARAMS, f.kdUint8[seed]!, accuracy) } }),
    );
    // a hints + KD run, which the table must leave out
    fitnets.push({ name: 'hints-0', role: 'distilled', teacher: 'teacher', params: { studentSeed: 0, 'stages.0.name': 'hints' }, metrics: { 'model/params': STUDENT_PARAMS, 'model/bytes_on_disk': 1, 'test/accuracy': 0.5 } });
    const compressionRuns: RunSpec[] = [];
    for (let seed = 0; seed < prunedSeeds; seed++) {
      compressionRuns.push({
        name: `teacher-pruned-${seed}`,
        role: 'distilled',
        params: { studentSeed: seed, 'student.model.kind': 'cnn' },
        metrics: { 'model/params': TEACHER_PARAMS, 'model/nonzero_params': 36_000, 'model/sparse_bytes': 190_000, 'model/bytes_on_disk': teacherFile, 'test/accuracy': f.teacherPruned[seed]!, 'model/latency_ms': 2.1, ...quantized(TEACHER_PARAMS, f.teacherPruned[seed]! - 0.001, f.teacherPruned[seed]!), 'quantized/uint8/sparse_bytes': 80_000 },
      });
      compressionRuns.push({
        name: `student-pruned-${seed}`,
        role: 'distilled',
        params: { studentSeed: seed, 'student.model.kind': 'fitnet' },
        metrics: { 'model/params': STUDENT_PARAMS, 'model/nonzero_params': 8_000, 'model/sparse_bytes': 36_000, 'model/bytes_on_disk': 4 * STUDENT_PARAMS + JSON_BYTES, 'test/accuracy': f.studentPruned[seed]!, 'model/latency_ms': 1, ...quantized(STUDENT_PARAMS, f.studentPruned[seed]!, f.studentPruned[seed]!), 'quantized/uint8/sparse_bytes': 12_000 },
      });
    }
    return { 'fitnets-mnist': fitnets, 'compression-mnist': compressionRuns };
  }

  const fashion = (s: Record<string, RunSpec[]>): Record<string, RunSpec[]> => ({ ...s, 'fitnets-fashion': s['fitnets-mnist']!.map((r) => ({ ...r, name: `f-${r.name}`, ...(r.teacher ? { teacher: `f-${r.teacher}` } : {}) })), 'compression-fashion': s['compression-mnist']!.map((r) => ({ ...r, name: `f-${r.name}` })) });

  const BROWSER = {
    measuredAt: '2026-12-06T14:32:30.815Z',
    cpu: 'Test CPU',
    browser: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    tfjs: '4.22.0',
    pages: (['teacher', 'student'] as const).flatMap((model, m) =>
      (['float32', 'uint8'] as const).map((variant, v) => ({ model, variant, backend: 'wasm', params: 1, batch1: { median: 1, mean: 1.5 + m + v / 10, runs: 200 }, batched: { batchSize: 100, perImage: 0.5 + m + v / 10 }, loadMs: 100 })),
    ),
  };

  // The Node peer's file: each architecture in each storage, alone (median) = 1 + model + variant / 10 ms, batched a tenth of that.
  const NODE_VARIANTS = ['float32', 'uint8', 'float16'] as const;
  const NODE = {
    measuredAt: '2026-12-07T09:15:02.120Z',
    ...NODE_PEER_MACHINE,
    loadAverage: { start: 0.12, end: 0.98 },
    samples: { dataset: 'mnist', count: 1000 },
    models: (['teacher', 'student'] as const).flatMap((model, m) =>
      NODE_VARIANTS.map((variant, v) => ({ model, variant, params: 1, bytes: 1, loadMs: 50, batch1: { runs: 200, warmup: 20, median: 1 + m + v / 10, mean: 9, p90: 9 }, batched: { batchSize: 100, images: 1000, passes: 5, perImage: (1 + m + v / 10) / 10 } })),
    ),
  };

  const analyseStore = fixtureAnalysis(study);
  // a peer null: no results from it
  const analyse = (runs: Record<string, RunSpec[]> | undefined, browser: unknown = BROWSER, node: unknown = NODE): Promise<StudyAnalysis> =>
    analyseStore(
      runs,
      new Map([
        ...(browser === null ? [] : [['browser-latency/compression', browser] as const]),
        ...(node === null ? [] : [['node-latency/compression', node] as const]),
      ]),
    );
  const row = (data: string, model: string) => (first: string, cells: readonly string[]) => first === data && cells[1] === model;

  it('tables bytes on disk, compression, accuracy and retention with intervals, and latency in Node and the browser, as computed by hand', async () => {
    const analysis = await analyse(fashion(stores(GOOD)));
    const [measured, quoted] = analysis.tables;
    const t = measured!;
    expect(cell(t, row('MNIST', 'teacher (float32)'), 'bytes')).toBe(teacherFile.toLocaleString('en-US'));
    expect(cell(t, row('MNIST', 'teacher (float32)'), 'compression')).toBe('1.0x');
    expect(cell(t, row('MNIST', 'teacher (float32)'), 'retention (%)')).toBe('100'); // one whole value, shown as it is
    const uint8File = TEACHER_PARAMS + JSON_BYTES + 300;
    expect(cell(t, row('MNIST', 'teacher, uint8'), 'bytes')).toBe(uint8File.toLocaleString('en-US'));
    expect(cell(t, row('MNIST', 'teacher, uint8'), 'compression')).toBe(`${(teacherFile / uint8File).toFixed(1)}x`);
    expect(cell(t, row('MNIST', 'teacher, uint8'), 'retention (%)')).toBe(((100 * GOOD.teacherUint8) / GOOD.teacherAccuracy).toFixed(1));
    // pruned: the file less its dense weights plus the sparse weights
    const prunedBytes = teacherFile - 4 * TEACHER_PARAMS + 190_000;
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'bytes')).toBe(prunedBytes.toLocaleString('en-US'));
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'parameters (nonzero)')).toBe('36,000');
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'n')).toBe('3');
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'test accuracy (%)')).toBe(summaryText(GOOD.teacherPruned.map((a) => a * 100), 2));
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'retention (%)')).toBe(summaryText(GOOD.teacherPruned.map((a) => (100 * a) / GOOD.teacherAccuracy), 1));
    const prunedUint8 = uint8File - TEACHER_PARAMS + 80_000;
    expect(cell(t, row('MNIST', 'teacher pruned 90%, uint8'), 'compression')).toBe(`${(teacherFile / prunedUint8).toFixed(1)}x`);
    expect(cell(t, row('MNIST', 'distilled student'), 'n')).toBe('3'); // the hints run is left out
    expect(cell(t, row('MNIST', 'distilled student'), 'compression')).toBe(`${(teacherFile / (4 * STUDENT_PARAMS + JSON_BYTES)).toFixed(1)}x`);
    // Node: the peer's times by architecture and storage (alone / batched), whatever the row's weights
    expect(cell(t, row('MNIST', 'teacher (float32)'), 'Node (ms, alone / batched)')).toBe('1.00 / 0.10');
    expect(cell(t, row('MNIST', 'teacher, float16'), 'Node (ms, alone / batched)')).toBe('1.20 / 0.12');
    expect(cell(t, row('MNIST', 'teacher pruned 90%'), 'Node (ms, alone / batched)')).toBe('1.00 / 0.10');
    expect(cell(t, row('MNIST', 'distilled student'), 'Node (ms, alone / batched)')).toBe('2.00 / 0.20');
    expect(cell(t, row('Fashion-MNIST', 'distilled + pruned 75%, uint8'), 'Node (ms, alone / batched)')).toBe('2.10 / 0.21');
    expect(cell(t, row('MNIST', 'distilled, uint8'), 'retention (%)')).toBe(summaryText(GOOD.kdUint8.map((a) => (100 * a) / GOOD.teacherAccuracy), 1));
    expect(cell(t, row('MNIST', 'distilled, uint8'), 'browser (ms, alone / batched)')).toBe('2.60 / 1.60');
    expect(cell(t, row('MNIST', 'teacher, float16'), 'browser (ms, alone / batched)')).toBe('1.50 / 0.50');
    const kdUint8File = STUDENT_PARAMS + JSON_BYTES + 300;
    expect(cell(quoted!, 'distillation + quantization', 'MNIST')).toBe(`${(teacherFile / kdUint8File).toFixed(1)}x at ${mean(GOOD.kdUint8.map((a) => (100 * a) / GOOD.teacherAccuracy)).toFixed(1)}%`);
    expect(cell(quoted!, 'naive pruning', 'quoted')).toBe('3-5x at 85-92%');
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.notes[0]).toContain('headless Chromium 156 (TensorFlow.js 4.22.0, backend wasm) on Test CPU');
    expect(analysis.notes[1]).toContain('Node latency measured 2026-12-07 09:15 UTC by the study\'s Node peer');
    expect(analysis.notes[1]).toContain('on Test CPU (2 cores, 1-minute load average 0.12 at the start and 0.98 at the end), backend node (@tensorflow/tfjs-node, TensorFlow 2.21.0 C library, 1 intra-op / 1 inter-op threads (from --threads)), TensorFlow.js 4.22.0, Node v20.20.2');
    expect(analysis.notes[1]).toContain('the median of 200 single-image predictions after 20 warm-up; batched: per image over 1,000 digits in batches of 100 (median of 5 passes)');
    expect(analysis.notes[1]).not.toContain('/somewhere');
  });

  it('Node latency: the float32 file\'s time stands for a storage the peer did not time; without the peer, the runs\' model/latency_ms, said so in the column and the notes', async () => {
    const float32AndUint8 = { ...NODE, models: NODE.models.filter((m) => m.variant !== 'float16') };
    const partial = (await analyse(fashion(stores(GOOD)), BROWSER, float32AndUint8)).tables[0]!;
    expect(cell(partial, row('MNIST', 'teacher, float16'), 'Node (ms, alone / batched)')).toBe('1.00 / 0.10');
    const withoutPeer = await analyse(fashion(stores(GOOD)), BROWSER, null);
    const t = withoutPeer.tables[0]!;
    expect(t.columns.some((c) => c.header.startsWith('Node (ms, alone'))).toBe(false);
    expect(cell(t, row('MNIST', 'distilled student'), 'Node (ms, in the runs)')).toBe('1.10'); // mean of 1.0, 1.1, 1.2
    expect(cell(t, row('MNIST', 'teacher (float32)'), 'Node (ms, in the runs)')).toBe('2.00');
    expect(withoutPeer.notes[1]).toContain('the training runs\' `model/latency_ms`');
    expect(withoutPeer.notes[1]).toContain('has not written its results yet');
  });

  it('partly reproduced when quantization loses more than the quoted retention on one dataset', async () => {
    const poor = stores({ ...GOOD, teacherUint8: 0.85 });
    const analysis = await analyse({ ...fashion(stores(GOOD)), 'fitnets-mnist': poor['fitnets-mnist']! });
    expect(analysis.verdict.level).toBe('partly reproduced');
    expect(analysis.verdict.text).not.toContain('quantization alone on MNIST');
    expect(analysis.verdict.text).toContain('quantization alone on Fashion-MNIST');
  });

  it('incomplete while pruned runs lack seeds or a dataset is missing; not run yet without runs; a malformed peer file is an error naming the field', async () => {
    expect((await analyse(fashion(stores(GOOD, 2)))).verdict.level).toBe('incomplete');
    const mnistOnly = await analyse(stores(GOOD), null);
    expect(mnistOnly.verdict.level).toBe('incomplete');
    expect(cell(mnistOnly.tables[0]!, row('MNIST', 'distilled, uint8'), 'browser (ms, alone / batched)')).toBe('n/a');
    expect(mnistOnly.notes[0]).toContain('not measured yet');
    expect((await analyse(undefined)).verdict.level).toBe('not run yet');
    await expect(analyse(stores(GOOD), { ...BROWSER, pages: [{ model: 'teacher' }] })).rejects.toThrow(/browser-latency results are malformed: pages\.0\.variant/);
    await expect(analyse(stores(GOOD), BROWSER, { ...NODE, models: [{ ...NODE.models[0]!, variant: 'int4' }] })).rejects.toThrow(/node-latency results are malformed: models\.0\.variant/);
  });
});

describe('study 9: distilbert-spam', () => {
  const study = distilbertSpam;

  // per seed: [test accuracy, spam F1] as fractions
  interface Fixture {
    teacher: [number, number];
    baseline: readonly [number, number][];
    initCos: readonly [number, number][];
    initKd: readonly [number, number][];
    randomCos: readonly [number, number][];
    randomKd: readonly [number, number][];
  }
  const GOOD: Fixture = {
    teacher: [0.98, 0.96],
    baseline: [[0.93, 0.86], [0.94, 0.88], [0.925, 0.85]],
    initCos: [[0.975, 0.95], [0.978, 0.955], [0.972, 0.948]],
    initKd: [[0.97, 0.94], [0.971, 0.944], [0.968, 0.94]],
    randomCos: [[0.95, 0.9], [0.955, 0.91], [0.948, 0.897]],
    randomKd: [[0.945, 0.89], [0.95, 0.9], [0.944, 0.888]],
  };

  function runsOf(f: Fixture): RunSpec[] {
    const metrics = ([acc, f1]: readonly [number, number], params: number, latency: number) => ({ 'test/accuracy': acc, 'test/f1_class_1': f1, 'test/f1_class_0': 0.99, 'model/params': params, 'model/latency_ms': latency });
    const runs: RunSpec[] = [{ name: 'teacher', role: 'teacher', params: { seed: 0 }, metrics: metrics(f.teacher, 1_900_000, 4) }];
    f.baseline.forEach((m, seed) => runs.push({ name: `baseline-${seed}`, role: 'baseline', params: { studentSeed: seed }, metrics: metrics(m, 1_500_000, 2) }));
    const arm = (name: string, list: readonly [number, number][], init: boolean, cosine: boolean) =>
      list.forEach((m, seed) =>
        runs.push({ name: `${name}-${seed}`, role: 'distilled', teacher: 'teacher', params: { studentSeed: seed, ...(init ? { 'student.init.fromTeacher': 'every-other-layer' } : {}), 'losses.1.kind': 'hinton', ...(cosine ? { 'losses.2.kind': 'cosine' } : {}) }, metrics: metrics(m, 1_500_000, 2.5) }),
      );
    arm('init-cos', f.initCos, true, true);
    arm('init-kd', f.initKd, true, false);
    arm('random-cos', f.randomCos, false, true);
    arm('random-kd', f.randomKd, false, false);
    return runs;
  }

  const analyseStore = fixtureAnalysis(study);
  // the Node peer's file (repro/node-latency --study distilbert-spam): teacher 12.6 ms alone, 5.04 batched; student half and 1/2.1 of that
  const NODE = {
    study: 'distilbert-spam',
    measuredAt: '2026-12-07T06:02:41.500Z',
    ...NODE_PEER_MACHINE,
    loadAverage: { start: 0.12, end: 0.95 },
    samples: { dataset: 'spam-assassin', count: 573, split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, inputShape: [128] },
    models: [
      { model: 'teacher', variant: 'float32', params: 1_834_242, bytes: 7_356_324, loadMs: 23, batch1: { runs: 200, warmup: 20, median: 12.6, mean: 13, p90: 14 }, batched: { batchSize: 100, images: 573, passes: 5, perImage: 5.04 } },
      { model: 'student', variant: 'float32', params: 1_437_698, bytes: 5_762_115, loadMs: 19, batch1: { runs: 200, warmup: 20, median: 6.3, mean: 6.5, p90: 7 }, batched: { batchSize: 100, images: 573, passes: 5, perImage: 2.4 } },
    ],
  };
  // node null: no peer results (the file is missing)
  const analyse = (f: Fixture | undefined, node: unknown = null): Promise<StudyAnalysis> =>
    analyseStore(f === undefined ? undefined : { 'distilbert-spam': runsOf(f) }, new Map(node === null ? [] : [['node-latency/distilbert-spam', node] as const]));
  const pct = (list: readonly [number, number][], i: 0 | 1): number[] => list.map((m) => 100 * m[i]);

  it('reproduced: init and cosine each raise spam F1 significantly and the best student keeps 97% of the teacher\'s; tables by hand', async () => {
    const analysis = await analyse(GOOD);
    const [scores, differences] = analysis.tables;
    expect(cell(scores!, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'parameters')).toBe('1,900,000');
    expect(cell(scores!, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'spam F1 (%)')).toBe('96'); // one whole value, as it is
    expect(cell(scores!, 'baseline (2 layers, random init, labels only)', 'parameters')).toBe('1,500,000 (21% fewer)');
    expect(cell(scores!, 'every-other-layer init, KD + cosine', 'n')).toBe('3');
    expect(cell(scores!, 'every-other-layer init, KD + cosine', 'accuracy (%)')).toBe(summaryText(pct(GOOD.initCos, 0), 2));
    expect(cell(scores!, 'every-other-layer init, KD + cosine', 'spam F1 (%)')).toBe(summaryText(pct(GOOD.initCos, 1), 2));
    expect(cell(scores!, 'every-other-layer init, KD + cosine', 'F1 retention (%)')).toBe(summaryText(GOOD.initCos.map((m) => (100 * m[1]) / GOOD.teacher[1]), 1));
    expect(cell(scores!, 'random init, KD', 'speed-up (in the runs)')).toBe('1.60x');
    expect(cell(differences!, 'every-other-layer init - random init (KD + cosine)', 'spam F1')).toBe(differenceText(pct(GOOD.initCos, 1), pct(GOOD.randomCos, 1), 2));
    expect(cell(differences!, 'cosine - none (every-other-layer init)', 'accuracy')).toBe(differenceText(pct(GOOD.initCos, 0), pct(GOOD.initKd, 0), 2));
    expect(cell(differences!, 'every-other-layer init, KD + cosine - baseline', 'spam F1')).toBe(differenceText(pct(GOOD.initCos, 1), pct(GOOD.baseline, 1), 2));
    expect(analysis.verdict.level).toBe('reproduced');
    expect(analysis.plots.map((p) => p.name)).toEqual(['spam-f1']);
  });

  it('partly reproduced when the cosine loss adds nothing significant', async () => {
    const analysis = await analyse({ ...GOOD, initKd: [[0.975, 0.952], [0.977, 0.951], [0.973, 0.95]] }); // -0.2, +0.4, -0.2 points
    expect(analysis.verdict.level).toBe('partly reproduced');
  });

  it('not reproduced when neither init nor cosine helps and retention is low; incomplete and not run yet', async () => {
    const flat: Fixture = { ...GOOD, initCos: GOOD.randomKd, initKd: GOOD.randomKd, randomCos: GOOD.randomKd };
    expect((await analyse(flat)).verdict.level).toBe('not reproduced');
    const missing = await analyse({ ...GOOD, randomKd: GOOD.randomKd.slice(0, 2) });
    expect(missing.verdict.level).toBe('incomplete');
    expect((await analyse(undefined)).verdict.level).toBe('not run yet');
  });

  describe('latency: the Node peer', () => {
    const ARMS = ['baseline (2 layers, random init, labels only)', 'every-other-layer init, KD + cosine', 'every-other-layer init, KD', 'random init, KD + cosine', 'random init, KD'];

    it('the peer\'s times, alone (median) / batched, for the teacher and, for every student row, the student\'s architecture; the speed-up the teacher\'s times over them', async () => {
      const analysis = await analyse(GOOD, NODE);
      const scores = analysis.tables[0]!;
      expect(scores.columns.map((c) => c.header).slice(-2)).toEqual(['Node latency (ms, alone / batched)', 'speed-up (alone / batched)']);
      expect(cell(scores, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'Node latency (ms, alone / batched)')).toBe('12.60 / 5.04');
      expect(cell(scores, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'speed-up (alone / batched)')).toBe('1.00x / 1.00x');
      for (const arm of ARMS) {
        expect(cell(scores, arm, 'Node latency (ms, alone / batched)')).toBe('6.30 / 2.40');
        expect(cell(scores, arm, 'speed-up (alone / batched)')).toBe('2.00x / 2.10x'); // 12.6 / 6.3, 5.04 / 2.4
      }
      // the rest of the table and the verdict do not depend on the peer
      expect(cell(scores, 'every-other-layer init, KD + cosine', 'spam F1 (%)')).toBe(summaryText(pct(GOOD.initCos, 1), 2));
      expect(analysis.verdict.level).toBe('reproduced');
    });

    it('the note says where, how and on what it was timed, the speed-up against DistilBERT\'s, and the in-training latencies it replaces', async () => {
      const [note] = (await analyse(GOOD, NODE)).notes;
      expect(note).toContain('Latency measured 2026-12-07 06:02 UTC on Test CPU (2 cores, 1-minute load average 0.12 at the start and 0.95 at the end), backend node (@tensorflow/tfjs-node, TensorFlow 2.21.0 C library, 1 intra-op / 1 inter-op threads (from --threads)), TensorFlow.js 4.22.0, Node v20.20.2, by the study\'s Node peer');
      expect(note).toContain('by the study\'s Node peer (`repro/node-latency`, started on a quiet machine, a load average of at most 0.8)');
      expect(note).toContain('on the first 573 test messages of `spam-assassin`; alone: the median of 200 single-message predictions after 20 warm-up; batched: per message over 573 test messages in batches of 100 (median of 5 passes).');
      expect(note).toContain('The timed teacher has 1,834,242 parameters, the student 1,437,698.');
      expect(note).toContain('One message at a time the student is 2.00x as fast as the teacher (DistilBERT: 1.6x, "60% faster", with half of BERT-base\'s 12 layers).');
      // the fixture's runs: baselines at 2 ms, distilled students at 2.5, the teacher at 4
      expect(note).toContain('ranged 2.0-2.5 ms for the students against the teacher\'s 4.0 ms');
      expect(note).not.toContain('/somewhere');
    });

    it('a busy machine is said to be one; a missing architecture is n/a', async () => {
      const busy = await analyse(GOOD, { ...NODE, loadAverage: { start: 1.9, end: 2.1 }, models: [NODE.models[1]!] });
      expect(busy.notes[0]).toContain('started on a busy machine, a load average of 1.90: read the times as an upper bound');
      expect(busy.notes[0]).not.toContain('as fast as the teacher');
      expect(cell(busy.tables[0]!, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'Node latency (ms, alone / batched)')).toBe('n/a');
      expect(cell(busy.tables[0]!, 'random init, KD', 'Node latency (ms, alone / batched)')).toBe('6.30 / 2.40');
      expect(cell(busy.tables[0]!, 'random init, KD', 'speed-up (alone / batched)')).toBe('n/a');
    });

    it('without the peer\'s file, the runs\' model/latency_ms, said so in the columns and the note; a malformed file is an error naming the field', async () => {
      const without = await analyse(GOOD);
      const scores = without.tables[0]!;
      expect(scores.columns.some((c) => c.header.startsWith('Node latency'))).toBe(false);
      expect(cell(scores, 'teacher (4 layers, MLM pre-trained, fine-tuned)', 'latency (ms, in the runs)')).toBe('4.00');
      expect(cell(scores, 'every-other-layer init, KD', 'latency (ms, in the runs)')).toBe('2.50');
      expect(cell(scores, 'every-other-layer init, KD', 'speed-up (in the runs)')).toBe('1.60x');
      expect(without.notes[0]).toContain('the training runs\' `model/latency_ms`');
      expect(without.notes[0]).toContain('has not written its results yet');
      await expect(analyse(GOOD, { ...NODE, models: [{ ...NODE.models[0]!, batch1: { runs: 200 } }] })).rejects.toThrow(/node-latency results are malformed: models\.0\.batch1\.warmup/);
    });

    it('the study runs the peer for its own file, and the committed file reads', async () => {
      expect(study.peers).toEqual([{ name: 'node-latency/distilbert-spam', command: ['bash', 'repro/node-latency/run.sh', '--study', 'distilbert-spam', '--out', 'repro/store/node-latency/distilbert-spam.json'], results: 'node-latency/distilbert-spam.json' }]);
      const committed = readNodeLatency(JSON.parse(await readFile(new URL('../store/node-latency/distilbert-spam.json', import.meta.url), 'utf8')));
      expect(committed?.study).toBe('distilbert-spam');
      expect(committed?.samples.dataset).toBe('spam-assassin');
      expect(committed?.models.map((m) => `${m.model} ${m.variant}`)).toEqual(['teacher float32', 'student float32']);
      expect(committed?.threads.intraOp).toBe(1);
    });
  });
});
