import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { containsZero, formatDifference, formatSummary, pairByKey, significantlyBelowZero, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, metric, paramValue, runsOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { table } from '../page/tables.js';

const EXPERIMENT = 'temperature-by-width';
const WIDTHS = [800, 300, 30] as const;
const TEMPERATURES = [1, 2, 4, 8, 20] as const;
const SEEDS = 3;

function widthOf(run: StoredRun): number {
  const hidden = paramValue(run, 'student.model.hidden');
  return Array.isArray(hidden) ? Number(hidden[0]) : Number.NaN;
}

function temperatureOf(run: StoredRun): number {
  return Number(paramValue(run, 'losses.1.temperature'));
}

function mean(list: readonly number[]): number {
  return list.length === 0 ? Number.NaN : list.reduce((a, b) => a + b, 0) / list.length;
}

export default defineStudy({
  id: 'temperature-by-width',
  title: 'The best temperature depends on the student\'s width (Hinton et al. 2015, section 3)',
  question:
    'Hinton et al. report that with 300 or more units per hidden layer every temperature above 8 gave fairly similar results, while with 30 units per layer temperatures between 2.5 and 4 worked significantly better than higher or lower ones. Does the same pattern appear?',
  setting: [
    'The teacher, data and student training of study 1 (one cached teacher serves every run). Students of 2 x 800, 2 x 300 and 2 x 30 ReLU units, each trained on the hard labels (baseline) and distilled at T in {1, 2, 4, 8, 20} (0.1 x CE + 0.9 x T^2 x KL), 3 student seeds per cell.',
    'The best temperature of a width is the one with the highest mean final **validation** accuracy; the test errors are reported for every cell.',
  ].join('\n\n'),
  experiments: ['experiments/repro/temperature-by-width.ts'],
  experimentNames: [EXPERIMENT],
  published: [
    { quantity: '300 or more units per layer: the best temperatures', value: 'all T above 8 about as good', source: 'Hinton et al. 2015, section 3' },
    { quantity: '30 units per layer: the best temperatures', value: 'T between 2.5 and 4', source: 'ibid.' },
  ],
  analyse(runs: StudyRuns) {
    const baselines = baselinesOf(runs, EXPERIMENT);
    const distilled = runsOf(runs, EXPERIMENT, 'distilled');
    const rows: string[][] = [];
    const bestRows: string[][] = [];
    const points: PlotPoint[] = [];
    const findings: { width: number; holds: boolean | undefined; text: string }[] = [];
    for (const width of WIDTHS) {
      const baseline = bySeed(baselines.filter((run) => widthOf(run) === width), (run) => testErrors(run));
      rows.push([`${width}-${width}`, 'baseline', String(baseline.size), formatSummary(summarize(values(baseline))), '', '']);
      const cells = new Map<number, { errors: Map<number, number>; val: number }>();
      for (const temperature of TEMPERATURES) {
        const cellRuns = distilled.filter((run) => widthOf(run) === width && temperatureOf(run) === temperature);
        const errors = bySeed(cellRuns, (run) => testErrors(run));
        const val = mean(cellRuns.map((run) => metric(run, 'val/accuracy')));
        cells.set(temperature, { errors, val });
        const difference = pairByKey(errors, baseline);
        rows.push([`${width}-${width}`, `T = ${temperature}`, String(errors.size), formatSummary(summarize(values(errors))), formatDifference(difference), Number.isNaN(val) ? 'n/a' : `${(val * 100).toFixed(2)}%`]);
        if (difference !== undefined) {
          points.push({ x: temperature, y: difference.meanDifference, series: `${width} units`, ...(difference.ci ? { low: difference.ci.low, high: difference.ci.high } : {}) });
        }
      }
      const ranked = [...cells].filter(([, cell]) => !Number.isNaN(cell.val)).sort(([, a], [, b]) => b.val - a.val);
      const best = ranked[0]?.[0];
      const complete = baseline.size >= SEEDS && [...cells.values()].every((cell) => cell.errors.size >= SEEDS);
      if (best === undefined) {
        bestRows.push([`${width}-${width}`, 'n/a', '', '']);
        findings.push({ width, holds: undefined, text: `${width} units: no runs yet.` });
        continue;
      }
      if (width >= 300) {
        const d = pairByKey(cells.get(20)!.errors, cells.get(8)!.errors);
        const holds = complete ? containsZero(d) && (best === 8 || best === 20 || containsZero(pairByKey(cells.get(best)!.errors, cells.get(20)!.errors))) : undefined;
        bestRows.push([`${width}-${width}`, `T = ${best}`, 'every T above 8 about as good', `T = 20 - T = 8: ${formatDifference(d)} errors`]);
        findings.push({ width, holds, text: `${width} units: best on validation T = ${best}; T = 20 vs T = 8, ${formatDifference(d)} errors (paired).` });
      } else {
        const vsHigh = pairByKey(cells.get(4)!.errors, cells.get(20)!.errors);
        const vsLow = pairByKey(cells.get(4)!.errors, cells.get(1)!.errors);
        const holds = complete ? (best === 4 || best === 2) && significantlyBelowZero(vsHigh) && significantlyBelowZero(vsLow) : undefined;
        bestRows.push([`${width}-${width}`, `T = ${best}`, 'T between 2.5 and 4', `T = 4 - T = 20: ${formatDifference(vsHigh)}; T = 4 - T = 1: ${formatDifference(vsLow)} errors`]);
        findings.push({ width, holds, text: `${width} units: best on validation T = ${best}; T = 4 vs T = 20, ${formatDifference(vsHigh)}; T = 4 vs T = 1, ${formatDifference(vsLow)} errors (paired).` });
      }
    }
    return {
      tables: [
        table('Test errors out of 10,000 by width and temperature (mean [95% t-interval] over seeds); paired difference from the baseline of the same width and seed; mean final validation accuracy', ['student', 'training', '>n', '>test errors', '>distilled - baseline', '>val accuracy'], rows),
        table('The best temperature on validation, by width, against the paper', ['student', 'best T (validation)', 'paper', 'paired test of the claim'], bestRows),
      ],
      plots: points.length === 0 ? [] : [{ name: 'difference-by-temperature', caption: 'Distilled minus baseline test errors (paired by seed; mean and 95% interval) against the temperature, by width', spec: intervalPlot(points, { title: 'Errors saved by distillation, by temperature and width', xTitle: 'temperature T', yTitle: 'distilled - baseline test errors', logX: true, lines: true, rules: [{ y: 0, label: 'no change' }] }) }],
      verdict: judge(findings, baselines.length + distilled.length),
      notes: [],
    };
  },
});

function judge(findings: readonly { width: number; holds: boolean | undefined; text: string }[], finishedRuns: number): Verdict {
  const criterion =
    'Criterion: for 800 and 300 units, the paper\'s pattern holds when T = 20 and T = 8 do not differ significantly (paired 95% interval contains 0) and the best temperature on validation is one of them or no better than T = 20; for 30 units, when the best temperature on validation is 2 or 4 (the grid\'s nearest to 2.5-4) and T = 4 beats both T = 20 and T = 1 significantly. *Reproduced*: the pattern holds for all three widths; *partly*: for some.';
  const text = `${findings.map((f) => f.text).join(' ')} ${criterion}`;
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  if (findings.some((f) => f.holds === undefined)) return { level: 'incomplete', text };
  const held = findings.filter((f) => f.holds).length;
  return { level: held === findings.length ? 'reproduced' : held > 0 ? 'partly reproduced' : 'not reproduced', text };
}
