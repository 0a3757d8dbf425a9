import { fixed, markdownTable, mebibytes } from '../report/markdown.js';
import type { StudyScale } from './study-options.js';
import type { ContenderResult, StudyRun } from './study-result.js';

/** What the study table is made from. */
export interface StudyTableInput {
  /** The CPU line (bench/system/machine.ts's `describeCpu`). */
  cpu: string;
  /** When, on which commit, under what load, in words. */
  when: string;
  /** The scale every contender trained. */
  scale: StudyScale;
  /** Every contender's threads. */
  threads: number;
  /** Training examples per epoch (after any limit). */
  trainCount?: number;
  /** The contenders, in the order run. */
  contenders: readonly ContenderResult[];
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function sum(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((total, value) => total + value, 0);
}

/**
 * Test accuracies as percent: `98.52` for one run, the mean and the range over seeds for several
 * (`98.52 (98.40-98.61)`), `-` for none.
 */
export function accuracyCell(values: readonly number[]): string {
  if (values.length === 0) return '-';
  const percent = values.map((value) => value * 100);
  const average = mean(percent)!;
  if (percent.length === 1) return average.toFixed(2);
  return `${average.toFixed(2)} (${Math.min(...percent).toFixed(2)}-${Math.max(...percent).toFixed(2)})`;
}

/** A phase's wall time and mean seconds per epoch: `812 (8.1)`, the runs' wall times summed, `-` without runs. */
export function phaseCell(runs: readonly StudyRun[]): string {
  const wall = sum(runs.flatMap((run) => (run.wallSeconds !== undefined ? [run.wallSeconds] : [])));
  const epoch = mean(runs.flatMap((run) => (run.meanEpochSeconds !== undefined ? [run.meanEpochSeconds] : [])));
  if (wall === undefined && epoch === undefined) return '-';
  return `${fixed(wall, wall !== undefined && wall < 100 ? 1 : 0)} (${fixed(epoch, epoch !== undefined && epoch < 10 ? 2 : 1)})`;
}

/** A contender's wall time over kdlab's: `2.10x` (it took 2.1 times as long), `1.00x` for kdlab, `-` where either is missing. */
export function wallRatio(contender: ContenderResult, kdlab: ContenderResult | undefined): string {
  if (kdlab?.seconds === undefined || contender.seconds === undefined || kdlab.seconds === 0) return '-';
  return `${(contender.seconds / kdlab.seconds).toFixed(2)}x`;
}

function ofRole(contender: ContenderResult, role: StudyRun['role'], temperature?: number): StudyRun[] {
  return contender.runs.filter((run) => run.role === role && (temperature === undefined || run.temperature === temperature));
}

function accuracies(runs: readonly StudyRun[]): number[] {
  return runs.flatMap((run) => (run.testAccuracy !== undefined ? [run.testAccuracy] : []));
}

function seedsText(seeds: readonly number[]): string {
  return seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} seeds (${seeds.join(', ')})`;
}

/**
 * The study-level comparison as markdown, ready for bench/README.md: a header (CPU, scale, threads,
 * when), one row per contender (end-to-end wall time and its ratio to kdlab's, each phase's summed
 * wall time with its mean seconds per epoch, peak memory of the whole process tree and of its largest
 * process, test accuracy of the teacher, the baselines and the distilled students per temperature:
 * mean over seeds with the range), then each contender's library, how it ran and its settings.
 */
export function studyMarkdown(input: StudyTableInput): string {
  const { scale } = input;
  const kdlab = input.contenders.find((contender) => contender.id === 'kdlab' && contender.error === undefined);
  const temperatures = scale.temperatures;
  const header = [
    'contender',
    'wall s, end to end',
    'wall / kdlab',
    'teacher s (s/epoch)',
    'baselines s (s/epoch)',
    'distilled s (s/epoch)',
    'peak RSS MiB, all processes',
    'peak MiB, largest process (VmHWM)',
    'teacher test acc %',
    'baseline test acc %',
    ...temperatures.map((temperature) => `distilled T=${temperature} test acc %`),
  ];
  const rows = input.contenders.map((contender) => {
    const failed = contender.error !== undefined ? ` (failed: ${contender.error.slice(0, 120)})` : '';
    return [
      `${contender.label}${failed}`,
      fixed(contender.seconds, contender.seconds !== undefined && contender.seconds < 100 ? 1 : 0),
      wallRatio(contender, kdlab),
      phaseCell(ofRole(contender, 'teacher')),
      phaseCell(ofRole(contender, 'baseline')),
      phaseCell(ofRole(contender, 'distilled')),
      mebibytes(contender.peakTreeKb),
      mebibytes(contender.peakProcessKb),
      accuracyCell(accuracies(ofRole(contender, 'teacher'))),
      accuracyCell(accuracies(ofRole(contender, 'baseline'))),
      ...temperatures.map((temperature) => accuracyCell(accuracies(ofRole(contender, 'distilled', temperature)))),
    ];
  });
  const count = input.trainCount !== undefined ? `${input.trainCount.toLocaleString('en-US')} training digits` : 'the full training split';
  const lines = [
    input.cpu,
    '',
    `Hinton full-MNIST study (experiments/repro/hinton-mnist-full.ts): teacher MLP 1200-1200 ${scale.teacherEpochs} epoch${scale.teacherEpochs === 1 ? '' : 's'}, ` +
      `per seed a baseline and a distilled student per temperature (MLP 800-800, ${scale.studentEpochs} epoch${scale.studentEpochs === 1 ? '' : 's'}), ` +
      `${seedsText(scale.seeds)}, T = ${temperatures.join(', ')}; ${count}${scale.limitTrain !== undefined ? ` (--limit-train ${scale.limitTrain}: a smoke test, not the study)` : ''}; batch 128; ` +
      `${input.threads} thread${input.threads === 1 ? '' : 's'} each; contenders run one after another. ${input.when}`,
    '',
    markdownTable(header, rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, ...temperatures.map((_, index) => 10 + index)]),
    '',
    ...input.contenders.map((contender) => `- **${contender.label}**: ${contender.version}; ${contender.how}.`),
  ];
  return lines.join('\n');
}
