import { latestMetricValue } from '../runs/latest-metric-value.js';
import type { ExperimentRuns, StoredRun, StoredRunStatus } from '../runs/stored-run.js';
import type { Comparison, RunCounts, TrainingCurve } from './comparison.js';
import { defaultGroupingPaths, type GroupingPathError, resolveGroupingPaths } from './grouping-paths.js';
import { groupRuns } from './group-runs.js';
import { KDLAB_RUN_TAGS, kdlabRunRole } from './kdlab-run-tags.js';
import { linkReferenceRuns, type ReferenceLinks } from './link-reference-runs.js';
import { bestEpochMetric, CURVE_METRIC, DEFAULT_COMPARED_METRIC, lowerIsBetter } from './metric-keys.js';
import { referenceRows } from './reference-rows.js';
import { summarizeGroup } from './summarize-group.js';
import { meanTrainingCurve } from './training-curves.js';

/** How to compare. */
export interface CompareOptions {
  /** The compared metric; default `test/accuracy`. */
  metric?: string;
  /** Grouping paths; default every swept path (`sweep.*` param) that varies among the distilled runs. */
  by?: readonly string[];
  /** Confidence level of the intervals; default 0.95. */
  level?: number;
}

/** There are no finished distilled runs to compare, or none logged the compared metric. */
export class NothingToCompareError extends Error {
  /** `'NothingToCompareError'`. */
  override readonly name = 'NothingToCompareError';
}

/**
 * Compares an experiment's finished distilled runs: groups them by the grouping paths, summarizes
 * each group over its seeds against its baselines and teachers, and adds the reference rows and
 * the mean training curves. Only FINISHED runs are used; the others are counted in `counts`.
 *
 * @param experiment - The experiment's runs.
 * @param options - Metric, grouping paths, confidence level.
 * @throws {@link NothingToCompareError} when no finished distilled run exists or none logged the
 *   metric; {@link GroupingPathError} for a `--by` path no run has.
 */
export function buildComparison(experiment: ExperimentRuns, options: CompareOptions = {}): Comparison {
  const metric = options.metric ?? DEFAULT_COMPARED_METRIC;
  const bestMetric = bestEpochMetric(metric);
  const level = options.level ?? 0.95;
  const kdlabRuns = experiment.runs.filter((run) => kdlabRunRole(run.tags) !== undefined && kdlabRunRole(run.tags) !== 'sweep');
  const finished = kdlabRuns.filter((run) => run.status === 'FINISHED');
  const notFinished: Partial<Record<StoredRunStatus, number>> = {};
  for (const run of kdlabRuns) if (run.status !== 'FINISHED') notFinished[run.status] = (notFinished[run.status] ?? 0) + 1;

  const distilled = finished.filter((run) => kdlabRunRole(run.tags) === 'distilled');
  if (distilled.length === 0) {
    const unfinished = kdlabRuns.filter((run) => kdlabRunRole(run.tags) === 'distilled').length;
    throw new NothingToCompareError(
      `Experiment '${experiment.experimentName}' in ${experiment.source} has no finished distilled runs` +
        (unfinished > 0 ? ` (${unfinished} distilled run(s) did not finish).` : ` (${experiment.runs.length} runs, none with kdlab.role=distilled).`),
    );
  }
  if (!distilled.some((run) => latestMetricValue(run, metric) !== undefined)) {
    const logged = [...new Set(distilled.flatMap((run) => Object.keys(run.metrics)))].sort();
    throw new NothingToCompareError(`No finished distilled run of '${experiment.experimentName}' logged the metric '${metric}' (they logged: ${logged.join(', ') || 'nothing'}).`);
  }
  const by = options.by !== undefined && options.by.length > 0 ? resolveGroupingPaths(options.by, distilled) : defaultGroupingPaths(distilled);

  // Runs of other experiments linked by id (a teacher cached by another study) serve as references only.
  const linked = (experiment.linkedRuns ?? []).filter((run) => run.status === 'FINISHED');
  const finishedById = new Map([...linked, ...finished].map((run) => [run.runId, run]));
  const finishedByInvocation = new Map<string, StoredRun[]>();
  for (const run of finished) {
    const invocation = run.tags[KDLAB_RUN_TAGS.invocation];
    if (invocation !== undefined) finishedByInvocation.set(invocation, [...(finishedByInvocation.get(invocation) ?? []), run]);
  }
  const links = new Map<string, ReferenceLinks>(distilled.map((run) => [run.runId, linkReferenceRuns(run, finishedById, finishedByInvocation)]));

  const runGroups = groupRuns(distilled, by);
  const metricIsLowerBetter = lowerIsBetter(metric);
  const groups = runGroups.map((group) =>
    summarizeGroup(group, links, { metric, ...(bestMetric !== undefined ? { bestMetric } : {}), lowerIsBetter: metricIsLowerBetter, level }),
  );
  const references = referenceRows(groups, finishedById, { metric, ...(bestMetric !== undefined ? { bestMetric } : {}), level, by });

  const curves: TrainingCurve[] = [];
  for (const group of runGroups) {
    const curve = meanTrainingCurve(group.key, 'distilled', group.runs, CURVE_METRIC);
    if (curve !== undefined) curves.push(curve);
  }
  for (const row of references) {
    const runs = row.runIds.map((id) => finishedById.get(id)).filter((run): run is StoredRun => run !== undefined);
    const curve = meanTrainingCurve(row.label, row.role, runs, CURVE_METRIC);
    if (curve !== undefined) curves.push(curve);
  }

  const compared = runGroups.flatMap((group) => group.runs);
  const counts: RunCounts = {
    total: experiment.runs.length,
    notFinished,
    withoutRole: experiment.runs.filter((run) => kdlabRunRole(run.tags) === undefined).length,
    compared: compared.length,
    superseded: runGroups.reduce((sum, group) => sum + group.superseded.length, 0),
    withoutBaseline: compared.filter((run) => links.get(run.runId)?.baseline === undefined).length,
    withoutTeacher: compared.filter((run) => links.get(run.runId)?.teacher === undefined).length,
  };
  const comparison: Comparison = {
    experimentName: experiment.experimentName,
    experimentId: experiment.experimentId,
    source: experiment.source,
    metric,
    lowerIsBetter: metricIsLowerBetter,
    level,
    by,
    groups,
    references,
    curveMetric: CURVE_METRIC,
    curves,
    counts,
    notes: countNotes(counts),
  };
  if (bestMetric !== undefined) comparison.bestMetric = bestMetric;
  return comparison;
}

/** Sentences about the runs that were not compared. */
function countNotes(counts: RunCounts): string[] {
  const notes: string[] = [];
  const skipped = Object.entries(counts.notFinished);
  const skippedTotal = skipped.reduce((sum, [, count]) => sum + (count ?? 0), 0);
  if (skippedTotal > 0) notes.push(`skipped ${skippedTotal} run(s) not FINISHED (${skipped.map(([status, count]) => `${count} ${status}`).join(', ')})`);
  if (counts.withoutRole > 0) notes.push(`ignored ${counts.withoutRole} run(s) without a kdlab.role tag`);
  if (counts.superseded > 0) notes.push(`left out ${counts.superseded} distilled run(s) replaced by a later run of the same trial`);
  if (counts.withoutBaseline > 0) notes.push(`${counts.withoutBaseline} distilled run(s) have no finished baseline run: no paired difference for them`);
  if (counts.withoutTeacher > 0) notes.push(`${counts.withoutTeacher} distilled run(s) have no finished teacher run`);
  return notes;
}
