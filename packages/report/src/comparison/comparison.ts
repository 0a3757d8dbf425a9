import type { StoredRunStatus } from '../runs/stored-run.js';
import type { PairedDifference } from '../statistics/paired-t-test.js';
import type { SampleSummary } from '../statistics/summarize-sample.js';

/** The distilled runs that share the values of the grouping paths, summarized over their seeds. */
export interface GroupComparison {
  /** A stable description of the group, `losses.1.temperature=4, student.model.hidden=[30]`, or `all`. */
  key: string;
  /** Grouping path -> the param text of this group (`undefined` when its runs lack the param). */
  values: Record<string, string | undefined>;
  /** The distilled runs compared (one per trial). */
  runIds: string[];
  /** Their seeds (`seed` param), in the order of `runIds`. */
  seeds: string[];
  /** The compared metric (last epoch) over the seeds; absent when no run logged it. */
  last?: SampleSummary;
  /** Its best-validation-epoch variant (`test/best/...`) over the seeds, when logged. */
  best?: SampleSummary;
  /** distilled - baseline, paired by seed (each run with its own baseline run). */
  differenceFromBaseline?: PairedDifference;
  /** (distilled - baseline) / (teacher - baseline) per seed, where the teacher beats the baseline. */
  gapRecovered?: SampleSummary;
  /** distilled / teacher per seed (accuracy retention when the metric is an accuracy). */
  accuracyRetention?: SampleSummary;
  /** teacher params / student params per seed. */
  compressionRatio?: SampleSummary;
  /** teacher latency / student latency per seed. */
  speedup?: SampleSummary;
  /** The baseline runs these runs are compared against. */
  baselineRunIds: string[];
  /** The teacher (or ensemble) runs these runs are compared against. */
  teacherRunIds: string[];
  /** Things a reader should know about this group (missing baselines, n = 1, ...). */
  notes: string[];
}

/** The teacher or the baseline students of one or more groups, summarized over their runs. */
export interface ReferenceRow {
  /** `teacher` (a teacher or an ensemble run) or `baseline`. */
  role: 'teacher' | 'baseline';
  /** `teacher`, or `baseline (student.model.hidden=[30])` when groups have different ones. */
  label: string;
  /** The model family, from the runs' `kdlab.model` tag (`ensemble` for an ensemble run). */
  model?: string;
  /** The groups (their keys) compared against these runs. */
  groupKeys: string[];
  /** The runs. */
  runIds: string[];
  /** The compared metric (last epoch) over the runs. */
  last?: SampleSummary;
  /** Its best-validation-epoch variant, when logged. */
  best?: SampleSummary;
  /** Mean trainable parameters. */
  params?: number;
  /** Mean latency in ms. */
  latencyMs?: number;
}

/** One point of a training curve: the mean over runs at an epoch. */
export interface CurvePoint {
  /** The epoch (the metric's step). */
  epoch: number;
  /** Mean over the runs that logged this epoch. */
  mean: number;
  /** How many runs logged it. */
  n: number;
}

/** A per-epoch metric averaged over seeds, for a group or a reference row. */
export interface TrainingCurve {
  /** The group's key or the reference row's label. */
  label: string;
  /** Whose curve it is. */
  kind: 'distilled' | 'teacher' | 'baseline';
  /** The points, by epoch. */
  points: CurvePoint[];
}

/** How many runs were looked at, and why some were not compared. */
export interface RunCounts {
  /** Active runs in the experiment. */
  total: number;
  /** Runs left out because they are not FINISHED, by status. */
  notFinished: Partial<Record<StoredRunStatus, number>>;
  /** Runs without a known `kdlab.role` tag. */
  withoutRole: number;
  /** Finished distilled runs compared. */
  compared: number;
  /** Distilled runs left out because a later run of the same trial replaced them. */
  superseded: number;
  /** Distilled runs without a finished baseline run (no paired difference, gap recovered). */
  withoutBaseline: number;
  /** Distilled runs without a finished teacher run (no gap recovered, retention, compression, speed-up). */
  withoutTeacher: number;
}

/** Everything `kdlab compare` reports about an experiment. */
export interface Comparison {
  /** The experiment's name. */
  experimentName: string;
  /** The experiment's id. */
  experimentId: string;
  /** Where the runs were read (`./mlruns`, `http://host:5000`). */
  source: string;
  /** The compared metric, e.g. `test/accuracy`. */
  metric: string;
  /** Its best-validation-epoch variant, e.g. `test/best/accuracy`, when it has one. */
  bestMetric?: string;
  /** Whether smaller values of the metric are better. */
  lowerIsBetter: boolean;
  /** The confidence level of every interval, e.g. 0.95. */
  level: number;
  /** The grouping paths (swept values), in order. */
  by: string[];
  /** One entry per group, sorted by the grouping values. */
  groups: GroupComparison[];
  /** The teacher and baseline rows. */
  references: ReferenceRow[];
  /** The per-epoch metric of the curves, `val/accuracy`. */
  curveMetric: string;
  /** Training curves: one per group, then the references'. */
  curves: TrainingCurve[];
  /** Run counts. */
  counts: RunCounts;
  /** Sentences about skipped runs and missing references. */
  notes: string[];
}
