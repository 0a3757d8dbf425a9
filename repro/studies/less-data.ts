import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, pairByKey, significantlyBelowZero, summarize } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, paramValue, runsOf, teachersOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { table } from '../page/tables.js';

const DATASETS = [
  { experiment: 'less-data', label: 'MNIST' },
  { experiment: 'less-data-fashion', label: 'Fashion-MNIST' },
] as const;
const FRACTIONS = [0.01, 0.03, 0.1] as const;
const SEEDS = 3;

function fractionOf(run: StoredRun): number {
  return Number(paramValue(run, 'data.transfer.fraction'));
}

export default defineStudy({
  id: 'less-data',
  title: 'Soft targets as a regulariser when labelled data are scarce',
  question:
    'Distillation guides claim that a student "learns with less data" from a teacher\'s soft targets; Hinton et al. (2015, "Soft targets as regularizers") report that on speech, a model trained on 3% of the data reached 57.0% test frame accuracy with soft targets against 44.5% with hard targets. Does a student trained on 1%, 3% or 10% of MNIST or Fashion-MNIST gain from the soft targets of a teacher trained on all of it, and where does it not?',
  setting: [
    'MNIST: the teacher of study 1. Fashion-MNIST (Debian\'s dataset-fashion-mnist, the same split: 55,000 / 5,000 / 10,000): a teacher of the same recipe trained for 50 epochs. Both teachers saw every training example.',
    'The students (800-800, no regularisation) see a stratified 1%, 3% or 10% of the training set (`data.transfer.fraction`, drawn once with the data seed): the baseline with its hard labels, the distilled student with 0.1 x CE + 0.9 x T^2 x KL at T = 4 on the same examples. Adam at 1e-3 on a cosine schedule for 200 epochs at every fraction (so the smallest sets get the fewest steps), 3 student seeds.',
  ].join('\n\n'),
  experiments: ['experiments/repro/less-data.ts', 'experiments/repro/less-data-fashion.ts'],
  experimentNames: DATASETS.map((d) => d.experiment),
  published: [
    { quantity: 'speech, 3% of the data, hard targets: test frame accuracy', value: '44.5%', source: 'Hinton et al. 2015, table 5' },
    { quantity: 'speech, 3% of the data, soft targets: test frame accuracy', value: '57.0%', source: 'ibid.' },
    { quantity: 'speech, all the data, hard targets: test frame accuracy', value: '58.9%', source: 'ibid.' },
  ],
  debianPackages: [{ name: 'dataset-fashion-mnist', provides: '/usr/share/datasets/fashion-mnist' }],
  analyse(runs: StudyRuns) {
    const rows: string[][] = [];
    const points: PlotPoint[] = [];
    const outcomes: { label: string; better: boolean | undefined }[] = [];
    for (const { experiment, label } of DATASETS) {
      const teacher = teachersOf(runs, experiment)[0];
      rows.push([label, 'teacher (all data)', teacher ? '1' : '0', teacher ? formatSummary(summarize([testErrors(teacher)])) : 'n/a', '', '']);
      for (const fraction of FRACTIONS) {
        const of = (role: 'baseline' | 'distilled'): Map<number, number> => bySeed((role === 'baseline' ? baselinesOf(runs, experiment) : runsOf(runs, experiment, role)).filter((run) => fractionOf(run) === fraction), (run) => testErrors(run));
        const baseline = of('baseline');
        const distilled = of('distilled');
        const difference = pairByKey(distilled, baseline);
        const sd = (map: Map<number, number>): string => summarize(values(map))?.sd?.toFixed(1) ?? 'n/a';
        rows.push([label, `${fraction * 100}%: baseline`, String(baseline.size), formatSummary(summarize(values(baseline))), '', sd(baseline)]);
        rows.push([label, `${fraction * 100}%: distilled`, String(distilled.size), formatSummary(summarize(values(distilled))), formatDifference(difference), sd(distilled)]);
        if (difference !== undefined) points.push({ x: fraction * 100, y: difference.meanDifference, series: label, ...(difference.ci ? { low: difference.ci.low, high: difference.ci.high } : {}) });
        const complete = baseline.size >= SEEDS && distilled.size >= SEEDS;
        outcomes.push({ label: `${label} ${fraction * 100}%`, better: complete ? significantlyBelowZero(difference) : undefined });
      }
    }
    return {
      tables: [table('Test errors out of 10,000 (mean [95% t-interval] over seeds); paired difference from the baseline of the same seed; standard deviation over seeds', ['data', 'student', '>n', '>test errors', '>distilled - baseline', '>sd'], rows)],
      plots: points.length === 0 ? [] : [{ name: 'difference-by-fraction', caption: 'Distilled minus baseline test errors (paired; mean and 95% interval) against the fraction of labelled data', spec: intervalPlot(points, { title: 'Errors saved by soft targets, by the fraction of data', xTitle: 'training examples the students see (%)', yTitle: 'distilled - baseline test errors', logX: true, lines: true, rules: [{ y: 0, label: 'no change' }] }) }],
      verdict: judge(outcomes, DATASETS.reduce((sum, { experiment }) => sum + (runs.finished.get(experiment)?.length ?? 0), 0)),
      notes: [],
    };
  },
});

function judge(outcomes: readonly { label: string; better: boolean | undefined }[], finishedRuns: number): Verdict {
  const criterion = 'Criterion: *reproduced* when the distilled student makes significantly fewer errors than its baseline (paired 95% interval below 0) at every fraction on both datasets; *partly* at some; *not reproduced* at none.';
  if (finishedRuns === 0) return { level: 'not run yet', text: criterion };
  const done = outcomes.filter((o) => o.better !== undefined);
  const better = done.filter((o) => o.better).map((o) => o.label);
  const seen = `Significantly fewer errors with soft targets at: ${better.length === 0 ? 'none' : better.join(', ')} (of ${done.length} cells finished).`;
  if (done.length < outcomes.length) return { level: 'incomplete', text: `${seen} ${criterion}` };
  return { level: better.length === outcomes.length ? 'reproduced' : better.length > 0 ? 'partly reproduced' : 'not reproduced', text: `${seen} ${criterion}` };
}
