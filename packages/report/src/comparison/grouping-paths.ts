import type { StoredRun } from '../runs/stored-run.js';
import { SWEEP_PARAM_PREFIX } from './kdlab-run-tags.js';

/**
 * The value of a grouping path in a run: its flattened param (`losses.1.temperature`), else its
 * sweep param (`sweep.losses.1.temperature`); `undefined` when it has neither.
 *
 * @param run - The run.
 * @param path - A config path or a `sweep.` param key.
 */
export function groupingValue(run: StoredRun, path: string): string | undefined {
  return run.params[path] ?? run.params[`${SWEEP_PARAM_PREFIX}${path}`];
}

/**
 * The default grouping: every swept path (`sweep.<path>` param) whose value varies among the runs
 * (a run without it counts as a different value), in the order of first appearance. Empty for
 * runs of plain `kdlab run` invocations.
 *
 * @param runs - The distilled runs.
 */
export function defaultGroupingPaths(runs: readonly StoredRun[]): string[] {
  const sweptKeys: string[] = [];
  for (const run of runs) for (const key of Object.keys(run.params)) if (key.startsWith(SWEEP_PARAM_PREFIX) && !sweptKeys.includes(key)) sweptKeys.push(key);
  return sweptKeys
    .filter((key) => new Set(runs.map((run) => run.params[key])).size > 1)
    .map((key) => key.slice(SWEEP_PARAM_PREFIX.length));
}

/** A grouping path (`--by`) that no distilled run has as a param. */
export class GroupingPathError extends Error {
  /** `'GroupingPathError'`. */
  override readonly name = 'GroupingPathError';
}

/**
 * Checks `--by` paths: each must be a param of at least one run. A `sweep.` prefix is accepted and
 * removed (the flattened param holds the same text).
 *
 * @param paths - The paths as given.
 * @param runs - The distilled runs.
 * @returns The paths without `sweep.` prefixes.
 * @throws {@link GroupingPathError} naming the path and the params that do vary, when a path matches no param.
 */
export function resolveGroupingPaths(paths: readonly string[], runs: readonly StoredRun[]): string[] {
  return paths.map((given) => {
    const path = given.startsWith(SWEEP_PARAM_PREFIX) ? given.slice(SWEEP_PARAM_PREFIX.length) : given;
    if (runs.some((run) => groupingValue(run, path) !== undefined)) return path;
    const varying = variedParams(runs);
    throw new GroupingPathError(
      `--by '${given}': no distilled run has a param '${path}'` +
        (varying.length > 0 ? ` (params that vary: ${varying.join(', ')}).` : ' (no param varies among the distilled runs).'),
    );
  });
}

function variedParams(runs: readonly StoredRun[]): string[] {
  const keys = new Set(runs.flatMap((run) => Object.keys(run.params)));
  return [...keys].filter((key) => !key.startsWith(SWEEP_PARAM_PREFIX) && new Set(runs.map((run) => run.params[key])).size > 1).sort();
}
