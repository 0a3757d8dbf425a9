import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, pairByKey, significantlyBelowZero, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, optionalMetric, paramValue, runsOf, teachersOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { count, table } from '../page/tables.js';

const DATASETS = [
  { experiment: 'fitnets-mnist', label: 'MNIST' },
  { experiment: 'fitnets-fashion', label: 'Fashion-MNIST' },
] as const;
const SEEDS = 3;

/** The arm a distilled run belongs to: FitNets' two stages (a `hints` stage first) or KD alone. */
export function fitnetsArm(run: StoredRun): 'hints + KD' | 'KD' {
  return paramValue(run, 'stages.0.name') === 'hints' ? 'hints + KD' : 'KD';
}

/** Test error in percent of the 10,000 test images. */
const errorPercent = (run: StoredRun): number => testErrors(run) / 100;

export default defineStudy({
  id: 'fitnets-mnist',
  title: 'FitNets: a thin, deep student with hints (Romero et al. 2015)',
  question:
    'FitNets (Romero et al. 2015, table 4) trained a 30K-parameter thin, deep student on MNIST three ways: plain backprop 1.9% test error, knowledge distillation 0.65%, hints then KD 0.51% (teacher: 0.55%, 361K parameters). Does kdlab find the same ordering, plain > KD > hints + KD in test error, with intervals, on MNIST and on Fashion-MNIST?',
  setting: [
    'Teacher (both datasets, one recipe): a CNN of 349K parameters (3x3 conv blocks of 32, 64 and 64 channels, each closed by 2x2 max pooling, a dense layer of 500 ReLU units with dropout 0.5), SGD with momentum 0.9 at 0.05 on a cosine schedule, inputs jittered by up to 2 pixels, 20 epochs. The paper\'s teacher was a maxout network trained far longer.',
    'Student: `fitnet({ depth: 9, width: 8 })`, 30.5K parameters: 9 conv layers of 8, 8, 8 | 16, 16, 16 | 32, 32, 32 channels (ReLU, 2x2 max pooling between the groups), global max pooling, logits; no maxout, no batch norm. Every arm gets the same budget: Adam at 1e-3 on a cosine schedule, batch 128, 20 epochs. *Plain*: cross-entropy on the labels (the baseline). *KD*: the authors\' stage-2 cost, CE(y, P_S) + λ CE(P_T^τ, P_S^τ) at τ = 3 with λ decaying linearly from 4 to 1 and no τ² factor. *Hints + KD*: 5 epochs in which the student up to its 5th conv layer (14x14x16) regresses the teacher\'s middle block (14x14x64, after its ReLU) through a 1x1 convolution with a ReLU, as in the authors\' code, then 15 epochs of the KD cost. 3 student seeds; MNIST and Fashion-MNIST split as in the Hinton studies (55,000 / 5,000 / 10,000).',
  ].join('\n\n'),
  experiments: ['experiments/repro/fitnets-mnist.ts', 'experiments/repro/fitnets-mnist-hints.ts', 'experiments/repro/fitnets-fashion.ts', 'experiments/repro/fitnets-fashion-hints.ts'],
  experimentNames: DATASETS.map((d) => d.experiment),
  published: [
    { quantity: 'MNIST teacher (maxout, 361K parameters): test error', value: '0.55%', source: 'Romero et al. 2015, table 4' },
    { quantity: 'MNIST student (30K parameters), plain backprop: test error', value: '1.9%', source: 'ibid.' },
    { quantity: 'MNIST student, KD: test error', value: '0.65%', source: 'ibid.' },
    { quantity: 'MNIST student, hints + KD (FitNet): test error', value: '0.51%', source: 'ibid.' },
  ],
  debianPackages: [{ name: 'dataset-fashion-mnist', provides: '/usr/share/datasets/fashion-mnist' }],
  analyse(runs: StudyRuns) {
    const rows: string[][] = [];
    const differenceRows: string[][] = [];
    const points: PlotPoint[] = [];
    const outcomes: Outcome[] = [];
    for (const { experiment, label } of DATASETS) {
      const teacher = teachersOf(runs, experiment)[0];
      const distilled = runsOf(runs, experiment, 'distilled');
      const arms = {
        plain: bySeed(baselinesOf(runs, experiment), errorPercent),
        kd: bySeed(distilled.filter((run) => fitnetsArm(run) === 'KD'), errorPercent),
        hints: bySeed(distilled.filter((run) => fitnetsArm(run) === 'hints + KD'), errorPercent),
      };
      const params = (run: StoredRun | undefined): string => {
        const value = run === undefined ? undefined : optionalMetric(run, 'model/params');
        return value === undefined ? '' : count(value);
      };
      rows.push([label, 'teacher', teacher ? '1' : '0', teacher ? formatSummary(summarize([errorPercent(teacher)]), 2) : 'n/a', params(teacher)]);
      for (const [name, map] of [['plain backprop', arms.plain], ['KD', arms.kd], ['hints + KD', arms.hints]] as const) {
        rows.push([label, name, String(map.size), formatSummary(summarize(values(map)), 2), params(distilled[0] ?? baselinesOf(runs, experiment)[0])]);
        const summary = summarize(values(map));
        if (summary) points.push({ x: name, y: summary.mean, series: label, ...(summary.ci ? { low: summary.ci.low, high: summary.ci.high } : {}) });
      }
      const kdVsPlain = pairByKey(arms.kd, arms.plain);
      const hintsVsPlain = pairByKey(arms.hints, arms.plain);
      const hintsVsKd = pairByKey(arms.hints, arms.kd);
      differenceRows.push([label, formatDifference(kdVsPlain, 2), formatDifference(hintsVsPlain, 2), formatDifference(hintsVsKd, 2)]);
      const complete = arms.plain.size >= SEEDS && arms.kd.size >= SEEDS && arms.hints.size >= SEEDS;
      outcomes.push({ label, complete, kdBeatsPlain: significantlyBelowZero(kdVsPlain), hintsBeatKd: significantlyBelowZero(hintsVsKd), hintsBeatPlain: significantlyBelowZero(hintsVsPlain) });
    }
    const finishedRuns = DATASETS.reduce((sum, { experiment }) => sum + (runs.finished.get(experiment)?.length ?? 0), 0);
    return {
      tables: [
        table('Test error in % of the 10,000 test images (mean [95% t-interval] over student seeds)', ['data', 'model', '>n', '>test error (%)', '>parameters'], rows),
        table('Paired differences in test error (percentage points, by student seed; mean [95% interval], p)', ['data', '>KD - plain', '>hints + KD - plain', '>hints + KD - KD'], differenceRows),
      ],
      plots: points.length === 0 ? [] : [{ name: 'errors-by-arm', caption: 'Test error of the thin-deep student by training arm (mean and 95% interval over seeds)', spec: intervalPlot(points, { title: 'FitNets: test error of the 30K-parameter student', xTitle: 'training', yTitle: 'test error (%)' }) }],
      verdict: judge(outcomes, finishedRuns),
      notes: [],
    };
  },
});

interface Outcome {
  label: string;
  complete: boolean;
  kdBeatsPlain: boolean;
  hintsBeatKd: boolean;
  hintsBeatPlain: boolean;
}

function judge(outcomes: readonly Outcome[], finishedRuns: number): Verdict {
  const criterion =
    'Criterion: *reproduced* when, on both datasets, KD makes significantly fewer errors than plain backprop and hints + KD significantly fewer than KD (paired 95% intervals below 0), the paper\'s ordering; *partly* when some of these four comparisons hold; *not reproduced* when none does.';
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  const seen = outcomes
    .map((o) => `${o.label}: KD ${o.kdBeatsPlain ? 'beats' : 'does not significantly beat'} plain backprop; hints + KD ${o.hintsBeatKd ? 'beats' : 'does not significantly beat'} KD${o.hintsBeatPlain ? '' : ' (nor plain backprop)'}.`)
    .join(' ');
  if (outcomes.some((o) => !o.complete)) return { level: 'incomplete', text: `${seen} ${criterion}` };
  const held = outcomes.reduce((sum, o) => sum + Number(o.kdBeatsPlain) + Number(o.hintsBeatKd), 0);
  return { level: held === outcomes.length * 2 ? 'reproduced' : held > 0 ? 'partly reproduced' : 'not reproduced', text: `${seen} ${criterion}` };
}
