import type { StoredRun } from '../runs/stored-run.js';
import { compareParamValues } from './compare-param-values.js';
import { groupingValue } from './grouping-paths.js';
import { KDLAB_RUN_TAGS, SEED_PARAM } from './kdlab-run-tags.js';

/** Distilled runs with the same grouping values. */
export interface RunGroup {
  /** `path=value, path=value`, or `all` without grouping paths. */
  key: string;
  /** Grouping path -> value. */
  values: Record<string, string | undefined>;
  /** One run per trial (same `kdlab.trial_key`, else same `kdlab.config_hash`): the latest started, sorted by seed. */
  runs: StoredRun[];
  /** Runs replaced by a later run of the same trial. */
  superseded: StoredRun[];
}

/** The key of a group without grouping paths. */
export const SINGLE_GROUP_KEY = 'all';

/**
 * Groups runs by the values of the grouping paths, sorted by those values (naturally, path by path).
 * A trial run more than once (same `kdlab.trial_key`, or for runs outside sweeps the same
 * `kdlab.config_hash`, which covers the seed) counts once: the latest started run is kept and the
 * others are `superseded`. Runs are sorted by seed.
 *
 * @param runs - The distilled runs.
 * @param paths - The grouping paths.
 */
export function groupRuns(runs: readonly StoredRun[], paths: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const values = Object.fromEntries(paths.map((path) => [path, groupingValue(run, path)]));
    const key = paths.length === 0 ? SINGLE_GROUP_KEY : paths.map((path) => `${path}=${values[path] ?? '(unset)'}`).join(', ');
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { key, values, runs: [], superseded: [] }));
    group.runs.push(run);
  }
  for (const group of groups.values()) {
    const byTrial = new Map<string, StoredRun>();
    for (const run of group.runs) {
      const trial = run.tags[KDLAB_RUN_TAGS.trialKey] ?? run.tags[KDLAB_RUN_TAGS.configHash] ?? `run ${run.runId}`;
      const kept = byTrial.get(trial);
      if (kept === undefined) byTrial.set(trial, run);
      else if (run.startTime >= kept.startTime) {
        group.superseded.push(kept);
        byTrial.set(trial, run);
      } else group.superseded.push(run);
    }
    group.runs = [...byTrial.values()].sort((a, b) => compareParamValues(a.params[SEED_PARAM], b.params[SEED_PARAM]));
  }
  return [...groups.values()].sort((a, b) => {
    for (const path of paths) {
      const order = compareParamValues(a.values[path], b.values[path]);
      if (order !== 0) return order;
    }
    return 0;
  });
}
