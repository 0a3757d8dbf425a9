import { latestMetricValue } from '../runs/latest-metric-value.js';
import type { StoredRun } from '../runs/stored-run.js';
import { pairedDifference, type MatchedPair } from '../statistics/paired-t-test.js';
import type { GroupComparison } from './comparison.js';
import type { RunGroup } from './group-runs.js';
import { SEED_PARAM } from './kdlab-run-tags.js';
import type { ReferenceLinks } from './link-reference-runs.js';
import { MODEL_METRICS } from './metric-keys.js';
import { summarizeDefined } from './optional-summary.js';

/** What a group is summarized with. */
export interface GroupSummaryOptions {
  /** The compared metric (last epoch). */
  metric: string;
  /** Its best-epoch variant, when it has one. */
  bestMetric?: string;
  /** Whether smaller values of the metric are better (decides when gap recovered is defined). */
  lowerIsBetter: boolean;
  /** The confidence level. */
  level: number;
}

/**
 * Summarizes a group of distilled runs over their seeds: the metric (last and best epoch), the
 * paired difference from each run's own baseline, and per seed the gap recovered, retention,
 * compression ratio and speed-up against its teacher, each then averaged.
 *
 * @param group - The group (one run per trial).
 * @param links - Each distilled run's baseline and teacher, by run id.
 * @param options - The metric and level.
 */
export function summarizeGroup(group: RunGroup, links: ReadonlyMap<string, ReferenceLinks>, options: GroupSummaryOptions): GroupComparison {
  const { metric, bestMetric, level } = options;
  const notes: string[] = [];
  const value = (run: StoredRun | undefined, key: string): number | undefined => (run === undefined ? undefined : latestMetricValue(run, key));
  const pairs: MatchedPair[] = [];
  const gaps: (number | undefined)[] = [];
  const retentions: (number | undefined)[] = [];
  const compressions: (number | undefined)[] = [];
  const speedups: (number | undefined)[] = [];
  let teacherNotBetter = 0;
  for (const run of group.runs) {
    const { baseline, teacher } = links.get(run.runId) ?? {};
    const student = value(run, metric);
    const baselineValue = value(baseline, metric);
    const teacherValue = value(teacher, metric);
    if (student !== undefined && baselineValue !== undefined) pairs.push({ treated: student, control: baselineValue });
    if (student !== undefined && baselineValue !== undefined && teacherValue !== undefined) {
      const teacherAdvantage = options.lowerIsBetter ? baselineValue - teacherValue : teacherValue - baselineValue;
      if (teacherAdvantage > 0) gaps.push((student - baselineValue) / (teacherValue - baselineValue));
      else teacherNotBetter++;
    }
    if (student !== undefined && teacherValue !== undefined && teacherValue !== 0) retentions.push(student / teacherValue);
    compressions.push(ratio(value(teacher, MODEL_METRICS.params), value(run, MODEL_METRICS.params)));
    speedups.push(ratio(value(teacher, MODEL_METRICS.latencyMs), value(run, MODEL_METRICS.latencyMs)));
  }
  const withoutMetric = group.runs.filter((run) => value(run, metric) === undefined).length;
  if (withoutMetric > 0) notes.push(`${withoutMetric} of ${group.runs.length} runs did not log ${metric}`);
  const withoutBaseline = group.runs.filter((run) => links.get(run.runId)?.baseline === undefined).length;
  if (withoutBaseline > 0) notes.push(`${withoutBaseline} of ${group.runs.length} runs have no finished baseline run`);
  const withoutTeacher = group.runs.filter((run) => links.get(run.runId)?.teacher === undefined).length;
  if (withoutTeacher > 0) notes.push(`${withoutTeacher} of ${group.runs.length} runs have no finished teacher run`);
  if (teacherNotBetter > 0) notes.push(`gap recovered left out for ${teacherNotBetter} seed(s) where the teacher is not better than the baseline`);
  if (group.superseded.length > 0) notes.push(`${group.superseded.length} earlier run(s) of the same trial replaced by later ones`);

  const comparison: GroupComparison = {
    key: group.key,
    values: group.values,
    runIds: group.runs.map((run) => run.runId),
    seeds: group.runs.map((run) => run.params[SEED_PARAM] ?? ''),
    baselineRunIds: unique(group.runs.map((run) => links.get(run.runId)?.baseline?.runId)),
    teacherRunIds: unique(group.runs.map((run) => links.get(run.runId)?.teacher?.runId)),
    notes,
  };
  const last = summarizeDefined(group.runs.map((run) => value(run, metric)), level);
  if (last !== undefined) comparison.last = last;
  if (bestMetric !== undefined) {
    const best = summarizeDefined(group.runs.map((run) => value(run, bestMetric)), level);
    if (best !== undefined) comparison.best = best;
  }
  if (pairs.length > 0) comparison.differenceFromBaseline = pairedDifference(pairs, level);
  const optional = { gapRecovered: gaps, accuracyRetention: retentions, compressionRatio: compressions, speedup: speedups } as const;
  for (const [field, values] of Object.entries(optional) as [keyof typeof optional, (number | undefined)[]][]) {
    const summary = summarizeDefined(values, level);
    if (summary !== undefined) comparison[field] = summary;
  }
  return comparison;
}

function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  return numerator === undefined || denominator === undefined || denominator === 0 ? undefined : numerator / denominator;
}

function unique(ids: readonly (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}
