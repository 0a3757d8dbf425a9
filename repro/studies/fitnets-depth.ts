import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, pairByKey, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, optionalMetric, paramValue, runsOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { count, table } from '../page/tables.js';
import { fitnetsArm } from './fitnets-mnist.js';

const EXPERIMENT = 'fitnets-depth';
/** The series' depths and widths (experiments/repro/fitnets-setting.ts, FITNETS_DEPTH_SERIES). */
const SERIES = [
  { depth: 3, width: 18 },
  { depth: 6, width: 10 },
  { depth: 9, width: 8 },
  { depth: 13, width: 6 },
  { depth: 19, width: 5 },
] as const;
const SEEDS = 2;
/** A student "does not train" when its mean test error is at least this (chance is 90%). */
export const FAILED_ERROR_PERCENT = 50;

const errorPercent = (run: StoredRun): number => testErrors(run) / 100;
const depthOf = (run: StoredRun): number => Number(paramValue(run, 'student.model.depth'));

export default defineStudy({
  id: 'fitnets-depth',
  title: 'FitNets: deeper and thinner at a fixed budget, with and without hints',
  question:
    'FitNets\' CIFAR-10 experiments (Romero et al. 2015, section 4.1 and figure 3) kept the parameter budget fixed and made the student deeper and thinner: past some depth, plain backprop and KD no longer trained the student, while hints did, and the deeper hinted students were the better ones. At about 30K parameters on MNIST, where does plain training stop working, and do hints help there?',
  setting: [
    'Five students of 27.6K to 30.5K parameters, `fitnet({ depth, width })` with 3 stages of widths w, 2w, 4w: depth 3 (w 18), 6 (10), 9 (8), 13 (6), 19 (5); ReLU, no batch norm. Study 6\'s MNIST teacher (cached). Each student by plain backprop (the baseline), KD alone (the authors\' cost, as in study 6), and hints + KD: 3 epochs of hints in which the student up to the end of its second stage (7x7x2w, pooled) regresses the teacher\'s third conv block (7x7x64) through a ReLU 1x1 convolution, then 7 of KD. Every arm 10 epochs of Adam at 1e-3 on a cosine schedule, 2 student seeds (the budget\'s limit: intervals over 2 seeds are wide, so the verdict also reads the seeds one by one).',
    `A student "does not train" when its mean test error is ${FAILED_ERROR_PERCENT}% or more (chance: 90%).`,
  ].join('\n\n'),
  experiments: ['experiments/repro/fitnets-depth.ts', 'experiments/repro/fitnets-depth-kd.ts'],
  experimentNames: [EXPERIMENT],
  published: [
    { quantity: 'CIFAR-10, FitNets 1-4 (~250K to ~2.5M parameters, 11 to 19 layers), hints + KD: test accuracy', value: '89.5% to 91.6%', source: 'Romero et al. 2015, table 1' },
    { quantity: 'CIFAR-10, fixed budget, deeper students: plain backprop and KD', value: 'fail to train past a depth (figure 3); hints train them', source: 'ibid., section 4.1' },
  ],
  analyse(runs: StudyRuns) {
    const baselines = baselinesOf(runs, EXPERIMENT);
    const distilled = runsOf(runs, EXPERIMENT, 'distilled');
    const rows: string[][] = [];
    const points: PlotPoint[] = [];
    const cells: DepthCell[] = [];
    for (const { depth, width } of SERIES) {
      const at = (list: readonly StoredRun[]): StoredRun[] => list.filter((run) => depthOf(run) === depth);
      const arms = {
        plain: bySeed(at(baselines), errorPercent),
        kd: bySeed(at(distilled).filter((run) => fitnetsArm(run) === 'KD'), errorPercent),
        hints: bySeed(at(distilled).filter((run) => fitnetsArm(run) === 'hints + KD'), errorPercent),
      };
      const anyRun = at(baselines)[0] ?? at(distilled)[0];
      const params = anyRun === undefined ? undefined : optionalMetric(anyRun, 'model/params');
      const hintsVsPlain = pairByKey(arms.hints, arms.plain);
      rows.push([
        String(depth),
        String(width),
        params === undefined ? '' : count(params),
        `${arms.plain.size} / ${arms.kd.size} / ${arms.hints.size}`,
        formatSummary(summarize(values(arms.plain)), 2),
        formatSummary(summarize(values(arms.kd)), 2),
        formatSummary(summarize(values(arms.hints)), 2),
        formatDifference(hintsVsPlain, 2),
      ]);
      for (const [series, map] of [['plain backprop', arms.plain], ['KD', arms.kd], ['hints + KD', arms.hints]] as const) {
        const summary = summarize(values(map));
        if (summary) points.push({ x: depth, y: summary.mean, series, ...(summary.ci ? { low: summary.ci.low, high: summary.ci.high } : {}) });
      }
      const mean = (map: ReadonlyMap<number, number>): number | undefined => summarize(values(map))?.mean;
      const hintsBetterEverySeed = [...arms.hints].every(([seed, error]) => arms.plain.has(seed) && error < arms.plain.get(seed)!) && arms.hints.size > 0;
      cells.push({ depth, complete: arms.plain.size >= SEEDS && arms.kd.size >= SEEDS && arms.hints.size >= SEEDS, plain: mean(arms.plain), kd: mean(arms.kd), hints: mean(arms.hints), hintsBetterEverySeed });
    }
    return {
      tables: [
        table(
          'Test error in % of the 10,000 test images by depth at about 30K parameters (mean [95% t-interval] over student seeds); hints + KD minus plain backprop, paired by seed',
          ['>depth', '>width', '>parameters', '>n (plain / KD / hints)', '>plain backprop', '>KD', '>hints + KD', '>hints + KD - plain'],
          rows,
        ),
      ],
      plots: points.length === 0 ? [] : [{ name: 'error-by-depth', caption: 'Test error by depth at a fixed budget of about 30K parameters, per training arm (mean and 95% interval over seeds)', spec: intervalPlot(points, { title: 'Deeper and thinner at ~30K parameters', xTitle: 'conv layers', yTitle: 'test error (%)', lines: true }) }],
      verdict: judge(cells, runs.finished.get(EXPERIMENT)?.length ?? 0),
      notes: [],
    };
  },
});

interface DepthCell {
  depth: number;
  complete: boolean;
  plain: number | undefined;
  kd: number | undefined;
  hints: number | undefined;
  hintsBetterEverySeed: boolean;
}

function judge(cells: readonly DepthCell[], finishedRuns: number): Verdict {
  const criterion = `Criterion: *reproduced* when at some depth plain backprop and KD do not train (mean test error ${FAILED_ERROR_PERCENT}% or more) while hints + KD does; *partly* when plain backprop trains at every depth but hints + KD beats it on every seed at the deepest student; *not reproduced* otherwise.`;
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  const fails = (error: number | undefined): boolean => error !== undefined && error >= FAILED_ERROR_PERCENT;
  const rescued = cells.filter((c) => fails(c.plain) && fails(c.kd) && c.hints !== undefined && !fails(c.hints)).map((c) => c.depth);
  const plainFails = cells.filter((c) => fails(c.plain)).map((c) => c.depth);
  const deepest = cells[cells.length - 1]!;
  const seen = [
    plainFails.length === 0 ? 'Plain backprop trains at every depth.' : `Plain backprop does not train at depth ${plainFails.join(', ')}.`,
    rescued.length > 0 ? `Hints + KD trains where plain backprop and KD do not, at depth ${rescued.join(', ')}.` : '',
    `At depth ${deepest.depth}, hints + KD is ${deepest.hintsBetterEverySeed ? 'below' : 'not below'} plain backprop on every seed.`,
  ]
    .filter(Boolean)
    .join(' ');
  if (cells.some((c) => !c.complete)) return { level: 'incomplete', text: `${seen} ${criterion}` };
  const level = rescued.length > 0 ? 'reproduced' : plainFails.length === 0 && deepest.hintsBetterEverySeed ? 'partly reproduced' : 'not reproduced';
  return { level, text: `${seen} ${criterion}` };
}
