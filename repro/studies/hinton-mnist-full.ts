import type { StoredRun } from '@kdlab/report';
import { bySeed, values } from '../page/by-seed.js';
import { readTwin, twinErrors, twinValues } from '../page/pytorch-twin.js';
import { intervalPlot, type PlotPoint } from '../page/plots.js';
import { formatDifference, formatSummary, gapRecovered, pairByKey, significantlyBelowZero, summarize, welchDifference } from '../page/statistics.js';
import { defineStudy, type Verdict } from '../page/study.js';
import { baselinesOf, metric, paramValue, runsOf, testErrors, type StudyRuns } from '../page/study-runs.js';
import { count, table } from '../page/tables.js';

const EXPERIMENT = 'hinton-mnist-full';
const SENSITIVITY = 'hinton-mnist-full-sensitivity';
const TEMPERATURES = [20, 4] as const;
const SEEDS = 5;
const PAPER = { teacher: 67, baseline: 146, distilled: 74 };

function temperatureOf(run: StoredRun): number {
  return Number(paramValue(run, 'losses.1.temperature'));
}

/** The temperature whose students have the highest mean final validation accuracy. */
function chosenOnValidation(distilled: readonly StoredRun[]): { temperature: number; accuracy: number }[] {
  return TEMPERATURES.map((temperature) => {
    const accuracies = distilled.filter((run) => temperatureOf(run) === temperature).map((run) => metric(run, 'val/accuracy'));
    return { temperature, accuracy: accuracies.length === 0 ? Number.NaN : accuracies.reduce((a, b) => a + b, 0) / accuracies.length };
  }).sort((a, b) => b.accuracy - a.accuracy);
}

export default defineStudy({
  id: 'hinton-mnist-full',
  title: 'Soft targets on the full MNIST (Hinton et al. 2015, section 3)',
  question:
    'Does a small unregularised student trained on the soft targets of a large regularised teacher make far fewer test errors than the same student trained on the hard labels, as Hinton et al. report (146 errors without a teacher, 74 with one, from a teacher at 67)?',
  setting: [
    'The full MNIST: the 60,000 training digits split into 55,000 for training and 5,000 for validation (stratified, seed 0); the 10,000 test digits used only for reporting.',
    'Teacher: 2 x 1200 ReLU units, dropout 0.2 on the inputs and 0.5 on the hidden units, max-norm 3.5 on each unit\'s incoming weights, inputs jittered by up to 2 pixels; SGD with momentum 0.9 at 0.1 on a per-step cosine schedule, batch 128, **100 epochs** (the paper trained for far longer, to 67 errors: a weaker teacher leaves a smaller gap to recover, so this setting predicts a smaller absolute gain than the paper\'s).',
    'Students: 2 x 800 ReLU units, no regularisation; Adam at 1e-3 on a cosine schedule, batch 128, 30 epochs. The baseline trains on the hard labels; the distilled student on 0.1 x CE + 0.9 x T^2 x KL at T = 20 (the paper\'s) and T = 4, from the teacher\'s logits cached once on the (unjittered) training set. Baseline and distilled students of a seed share their initial weights and batch order: the differences are paired.',
    'Errors are counted with the last epoch\'s weights. The temperature "chosen on validation" is the one whose students have the higher mean final validation accuracy: the test set plays no part in the choice.',
    'Sensitivity (a second experiment file, one student seed): at T = 20, the student\'s learning rate (Adam at 3e-4, 1e-3, 3e-3) and the hard/soft weights (0.1/0.9 and 0.5/0.5), each against the baseline trained at the same learning rate, read on validation.',
  ].join('\n\n'),
  experiments: ['experiments/repro/hinton-mnist-full.ts', 'experiments/repro/hinton-mnist-full-sensitivity.ts'],
  experimentNames: [EXPERIMENT, SENSITIVITY],
  // One thread: beside kdlab's two workers, two OpenMP threads spin-wait for each other (repro/pytorch-twin/README.md).
  peers: [{ name: 'pytorch-twin/hinton-mnist-full', command: ['bash', 'repro/pytorch-twin/run.sh', '--threads', '1'], results: 'pytorch-twin/hinton-mnist-full.json' }],
  published: [
    { quantity: 'teacher (1200-1200, dropout, jitter, max-norm): test errors', value: '67', source: 'Hinton et al. 2015, section 3' },
    { quantity: 'student (800-800, no regularisation): test errors', value: '146', source: 'ibid.' },
    { quantity: 'student distilled at T = 20: test errors', value: '74', source: 'ibid.' },
    { quantity: 'gap recovered, (146 - 74) / (146 - 67)', value: '0.91', source: 'computed from the above' },
  ],
  analyse(runs: StudyRuns) {
    const teachers = runsOf(runs, EXPERIMENT, 'teacher');
    const baselineRuns = baselinesOf(runs, EXPERIMENT);
    const distilledRuns = runsOf(runs, EXPERIMENT, 'distilled');
    const teacher = teachers[0];
    const teacherErrors = teacher === undefined ? undefined : testErrors(teacher);
    const baseline = bySeed(baselineRuns, (run) => testErrors(run));
    const twin = readTwin(runs.peers.get('pytorch-twin/hinton-mnist-full'));
    const choice = chosenOnValidation(distilledRuns);
    const chosen = choice[0]?.temperature;

    const rows: string[][] = [];
    const points: PlotPoint[] = [];
    const addPoint = (x: string, summary: ReturnType<typeof summarize>, series: string): void => {
      if (summary === undefined) return;
      points.push({ x, y: summary.mean, series, ...(summary.ci ? { low: summary.ci.low, high: summary.ci.high } : {}) });
    };
    const teacherSummary = teacherErrors === undefined ? undefined : summarize([teacherErrors]);
    rows.push(['teacher', teacher ? '1' : '0', formatSummary(teacherSummary), String(PAPER.teacher), twinCell(twinErrors(twin, 'teacher')), '', '']);
    addPoint('teacher', teacherSummary, 'kdlab');
    const baselineSummary = summarize(values(baseline));
    rows.push(['baseline (hard labels)', String(baseline.size), formatSummary(baselineSummary), String(PAPER.baseline), twinCell(twinErrors(twin, 'baseline')), '', '']);
    addPoint('baseline', baselineSummary, 'kdlab');
    const gaps = new Map<number, ReturnType<typeof gapRecovered>>();
    const differences = new Map<number, ReturnType<typeof pairByKey>>();
    for (const temperature of TEMPERATURES) {
      const distilled = bySeed(distilledRuns.filter((run) => temperatureOf(run) === temperature), (run) => testErrors(run));
      const summary = summarize(values(distilled));
      const difference = pairByKey(distilled, baseline);
      const gap = teacherErrors === undefined ? undefined : gapRecovered(distilled, baseline, teacherErrors);
      gaps.set(temperature, gap);
      differences.set(temperature, difference);
      const label = `distilled, T = ${temperature}${temperature === chosen && distilled.size > 0 ? ' (chosen on validation)' : ''}`;
      rows.push([label, String(distilled.size), formatSummary(summary), temperature === 20 ? String(PAPER.distilled) : '', twinCell(twinErrors(twin, 'distilled', temperature)), formatDifference(difference), formatSummary(gap, 2)]);
      addPoint(`distilled, T = ${temperature}`, summary, 'kdlab');
      addPoint(`distilled, T = ${temperature}`, twinErrors(twin, 'distilled', temperature), 'PyTorch twin');
    }
    addPoint('teacher', twinErrors(twin, 'teacher'), 'PyTorch twin');
    addPoint('baseline', twinErrors(twin, 'baseline'), 'PyTorch twin');
    points.push({ x: 'teacher', y: PAPER.teacher, series: 'paper' }, { x: 'baseline', y: PAPER.baseline, series: 'paper' }, { x: 'distilled, T = 20', y: PAPER.distilled, series: 'paper' });

    const notes: string[] = [];
    if (choice.every((c) => Number.isFinite(c.accuracy))) {
      notes.push(`Validation accuracy (mean over seeds, last epoch): ${choice.map((c) => `T = ${c.temperature}: ${(c.accuracy * 100).toFixed(2)}%`).join(', ')}; T = ${chosen} is the one chosen.`);
    }
    if (twin !== undefined) notes.push(`${twin.describe} ${twinAgreement(twin, teacherErrors, values(baseline), (t) => values(bySeed(distilledRuns.filter((run) => temperatureOf(run) === t), (run) => testErrors(run))))}`);
    const sensitivity = sensitivityTable(runs);
    const expected = 1 + SEEDS + SEEDS * TEMPERATURES.length;
    const found = teachers.length + baselineRuns.length + distilledRuns.length;
    const verdict = judge(found < expected, teacherErrors, chosen === undefined ? undefined : differences.get(chosen), chosen === undefined ? undefined : gaps.get(chosen), chosen, found, expected);
    return {
      tables: [
        table(
          'Test errors out of 10,000 (mean [95% t-interval] over student seeds); paired difference from the baseline of the same seed; gap recovered = (baseline - distilled) / (baseline - teacher), per seed',
          ['model', '>n', '>kdlab errors', '>paper', '>PyTorch twin', '>distilled - baseline', '>gap recovered'],
          rows,
        ),
        ...(sensitivity ? [sensitivity] : []),
      ],
      plots: points.length > 3 ? [{ name: 'errors', caption: 'Test errors (mean and 95% interval over seeds) of kdlab, its PyTorch twin and the paper', spec: intervalPlot(points, { title: 'Test errors out of 10,000', xTitle: 'model', yTitle: 'test errors' }) }] : [],
      verdict,
      notes,
    };
  },
});

/** Whether kdlab and its twin agree, row by row: the difference of their means with its 95% Welch interval. */
function twinAgreement(twin: NonNullable<ReturnType<typeof readTwin>>, teacherErrors: number | undefined, baseline: number[], distilled: (temperature: number) => number[]): string {
  const parts: string[] = [];
  const twinTeacher = twinValues(twin, 'teacher')[0];
  if (teacherErrors !== undefined && twinTeacher !== undefined) parts.push(`teacher: kdlab ${teacherErrors}, twin ${twinTeacher} errors (one run each)`);
  const rows: [string, number[], number[]][] = [['baseline', baseline, twinValues(twin, 'baseline')], ...TEMPERATURES.map((t): [string, number[], number[]] => [`T = ${t}`, distilled(t), twinValues(twin, 'distilled', t)])];
  for (const [label, ours, theirs] of rows) {
    const welch = welchDifference(ours, theirs);
    if (welch === undefined) continue;
    const agree = welch.ci.low <= 0 && welch.ci.high >= 0;
    parts.push(`${label}: kdlab - twin = ${welch.difference.toFixed(1)} [${welch.ci.low.toFixed(1)}, ${welch.ci.high.toFixed(1)}] errors (95% Welch interval; ${agree ? 'they agree' : 'they differ'})`);
  }
  return parts.length === 0 ? 'Too few twin runs yet to compare.' : `Side by side: ${parts.join('; ')}.`;
}

/** The twin's errors with its number of seeds, which may lag kdlab's while the twin runs. */
function twinCell(summary: ReturnType<typeof summarize>): string {
  return summary === undefined ? 'n/a' : `${formatSummary(summary)} (n = ${summary.n})`;
}

function judge(incomplete: boolean, teacherErrors: number | undefined, difference: ReturnType<typeof pairByKey>, gap: ReturnType<typeof gapRecovered>, chosen: number | undefined, found: number, expected: number): Verdict {
  if (teacherErrors === undefined || difference === undefined) return { level: found === 0 ? 'not run yet' : 'incomplete', text: `${found} of ${expected} runs finished.` };
  const criterion = 'Criterion: *reproduced* when the student distilled at the temperature chosen on validation makes significantly fewer errors than its baseline (paired 95% interval below 0) and recovers at least half of the teacher-baseline gap on average; *partly* when it makes significantly fewer errors but recovers less than half; *not reproduced* otherwise.';
  const seen = `The teacher makes ${count(teacherErrors)} errors (paper: 67). At T = ${chosen}, distillation changes the errors by ${formatDifference(difference)} and recovers ${formatSummary(gap, 2)} of the gap (paper: 0.91 at T = 20).`;
  const prefix = incomplete ? `(${found} of ${expected} runs finished so far.) ` : '';
  if (significantlyBelowZero(difference) && gap !== undefined && gap.mean >= 0.5) return { level: incomplete ? 'incomplete' : 'reproduced', text: `${prefix}${seen} ${criterion}` };
  if (significantlyBelowZero(difference)) return { level: incomplete ? 'incomplete' : 'partly reproduced', text: `${prefix}${seen} ${criterion}` };
  return { level: incomplete ? 'incomplete' : 'not reproduced', text: `${prefix}${seen} ${criterion}` };
}

/** The sensitivity runs' table: validation accuracy and test errors of each setting against the baseline at its learning rate. */
function sensitivityTable(runs: StudyRuns): ReturnType<typeof table> | undefined {
  const learningRate = (run: StoredRun): number => Number(paramValue(run, 'train.optimizer.learningRate'));
  const baselines = baselinesOf(runs, SENSITIVITY);
  const distilled = runsOf(runs, SENSITIVITY, 'distilled').sort((a, b) => learningRate(a) - learningRate(b) || Number(paramValue(a, 'losses.0.weight')) - Number(paramValue(b, 'losses.0.weight')));
  if (distilled.length === 0) return undefined;
  const rows = distilled.map((run) => {
    const baseline = baselines.find((b) => learningRate(b) === learningRate(run));
    const val = metric(run, 'val/accuracy');
    const baseVal = baseline ? metric(baseline, 'val/accuracy') : undefined;
    return [
      String(learningRate(run)),
      `${paramValue(run, 'losses.0.weight')} / ${paramValue(run, 'losses.1.weight')}`,
      `${(val * 100).toFixed(2)}%`,
      baseVal === undefined ? 'n/a' : `${(baseVal * 100).toFixed(2)}%`,
      baseVal === undefined ? 'n/a' : `${val >= baseVal ? '+' : ''}${((val - baseVal) * 100).toFixed(2)}`,
      count(testErrors(run)),
      baseline ? count(testErrors(baseline)) : 'n/a',
    ];
  });
  return table(
    'Sensitivity at T = 20, one student seed: final validation accuracy of the distilled student and of the baseline at the same learning rate (percentage points apart), with their test errors',
    ['Adam learning rate', 'hard / soft weight', '>distilled val', '>baseline val', '>difference (pt)', '>distilled test errors', '>baseline test errors'],
    rows,
  );
}
