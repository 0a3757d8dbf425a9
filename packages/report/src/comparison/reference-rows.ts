import { latestMetricValue } from '../runs/latest-metric-value.js';
import type { StoredRun } from '../runs/stored-run.js';
import { sampleMean } from '../statistics/sample-mean.js';
import type { GroupComparison, ReferenceRow } from './comparison.js';
import { KDLAB_RUN_TAGS, kdlabRunRole } from './kdlab-run-tags.js';
import { MODEL_METRICS } from './metric-keys.js';
import { summarizeDefined } from './optional-summary.js';

/** What reference rows are summarized with. */
export interface ReferenceRowOptions {
  /** The compared metric. */
  metric: string;
  /** Its best-epoch variant, when it has one. */
  bestMetric?: string;
  /** The confidence level. */
  level: number;
  /** The grouping paths, to name references that differ between groups. */
  by: readonly string[];
}

/**
 * The teacher and baseline rows: the distinct sets of reference runs the groups are compared
 * against. A set shared by every group is labelled `teacher` / `baseline`; when groups have
 * different ones (a sweep over the student's size has one baseline per size), each set is labelled
 * with the grouping values its groups have in common.
 *
 * @param groups - The summarized groups.
 * @param runsById - The finished runs, by id.
 * @param options - The metric, level and grouping paths.
 */
export function referenceRows(groups: readonly GroupComparison[], runsById: ReadonlyMap<string, StoredRun>, options: ReferenceRowOptions): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const role of ['teacher', 'baseline'] as const) {
    const sets = new Map<string, { runIds: string[]; groups: GroupComparison[] }>();
    for (const group of groups) {
      const runIds = [...(role === 'teacher' ? group.teacherRunIds : group.baselineRunIds)].sort();
      if (runIds.length === 0) continue;
      const id = runIds.join(',');
      const set = sets.get(id) ?? { runIds, groups: [] };
      set.groups.push(group);
      sets.set(id, set);
    }
    for (const set of sets.values()) {
      const runs = set.runIds.map((id) => runsById.get(id)).filter((run): run is StoredRun => run !== undefined);
      rows.push(referenceRow(role, sets.size === 1 ? role : `${role} (${commonValues(set.groups, options.by)})`, runs, set.groups, options));
    }
  }
  return rows;
}

function referenceRow(role: 'teacher' | 'baseline', label: string, runs: readonly StoredRun[], groups: readonly GroupComparison[], options: ReferenceRowOptions): ReferenceRow {
  const row: ReferenceRow = { role, label, groupKeys: groups.map((group) => group.key), runIds: runs.map((run) => run.runId) };
  const models = [...new Set(runs.map((run) => (kdlabRunRole(run.tags) === 'ensemble' ? 'ensemble' : run.tags[KDLAB_RUN_TAGS.model])).filter((model) => model !== undefined))];
  if (models.length > 0) row.model = models.join(', ');
  const last = summarizeDefined(runs.map((run) => latestMetricValue(run, options.metric)), options.level);
  if (last !== undefined) row.last = last;
  if (options.bestMetric !== undefined) {
    const best = summarizeDefined(runs.map((run) => latestMetricValue(run, options.bestMetric!)), options.level);
    if (best !== undefined) row.best = best;
  }
  const params = defined(runs.map((run) => latestMetricValue(run, MODEL_METRICS.params)));
  if (params.length > 0) row.params = sampleMean(params);
  const latencies = defined(runs.map((run) => latestMetricValue(run, MODEL_METRICS.latencyMs)));
  if (latencies.length > 0) row.latencyMs = sampleMean(latencies);
  return row;
}

/** `path=value, ...` for the grouping values every one of the groups shares, or `N groups`. */
function commonValues(groups: readonly GroupComparison[], by: readonly string[]): string {
  const shared = by.filter((path) => groups.every((group) => group.values[path] === groups[0]!.values[path]));
  if (shared.length === 0) return groups.length === 1 ? groups[0]!.key : `${groups.length} groups`;
  return shared.map((path) => `${path}=${groups[0]!.values[path] ?? '(unset)'}`).join(', ');
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}
