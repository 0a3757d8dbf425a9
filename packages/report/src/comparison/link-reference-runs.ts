import type { StoredRun } from '../runs/stored-run.js';
import { KDLAB_RUN_TAGS, kdlabRunRole, SEED_PARAM } from './kdlab-run-tags.js';

/** The runs a distilled run is compared against. */
export interface ReferenceLinks {
  /** The baseline student trained with the same data, seed and budget; absent when missing or not finished. */
  baseline?: StoredRun;
  /** The teacher, or the ensemble run when the teacher is an ensemble; absent when missing or not finished. */
  teacher?: StoredRun;
}

/**
 * Finds a distilled run's baseline and teacher among the finished runs: by the run ids in its
 * `kdlab.baseline_run_id` / `kdlab.teacher_run_id` tags (sweeps), or, for a plain `kdlab run`
 * without those tags (and outside a sweep), the baseline and teacher (the ensemble run, when there
 * is one) of the same `kdlab.invocation` (the one with the same seed when there are several). A
 * sweep trial without a link (no baseline trained) has none.
 *
 * @param distilled - The distilled run.
 * @param finishedById - Every finished run of the experiment, by id.
 * @param finishedByInvocation - The same runs, by `kdlab.invocation`.
 */
export function linkReferenceRuns(
  distilled: StoredRun,
  finishedById: ReadonlyMap<string, StoredRun>,
  finishedByInvocation: ReadonlyMap<string, readonly StoredRun[]>,
): ReferenceLinks {
  const links: ReferenceLinks = {};
  const sameInvocation = finishedByInvocation.get(distilled.tags[KDLAB_RUN_TAGS.invocation] ?? '') ?? [];
  const baseline = find(distilled, KDLAB_RUN_TAGS.baselineRunId, ['baseline'], finishedById, sameInvocation);
  if (baseline !== undefined) links.baseline = baseline;
  const teacher = find(distilled, KDLAB_RUN_TAGS.teacherRunId, ['ensemble', 'teacher'], finishedById, sameInvocation);
  if (teacher !== undefined) links.teacher = teacher;
  return links;
}

function find(
  distilled: StoredRun,
  tag: string,
  rolesByPreference: readonly string[],
  finishedById: ReadonlyMap<string, StoredRun>,
  sameInvocation: readonly StoredRun[],
): StoredRun | undefined {
  const linkedId = distilled.tags[tag];
  if (linkedId !== undefined) return finishedById.get(linkedId);
  // Inside a sweep every run shares the invocation: only the explicit link is trustworthy.
  if (distilled.tags[KDLAB_RUN_TAGS.sweepId] !== undefined || distilled.tags[KDLAB_RUN_TAGS.invocation] === undefined) return undefined;
  for (const role of rolesByPreference) {
    const candidates = sameInvocation.filter((run) => kdlabRunRole(run.tags) === role);
    if (candidates.length === 0) continue;
    return candidates.find((run) => run.params[SEED_PARAM] === distilled.params[SEED_PARAM]) ?? candidates[0];
  }
  return undefined;
}
