/** How a tag holds run ids: one id, or a comma-separated list. */
export type RunIdTagShape = 'one' | 'list';

/**
 * The tags whose values are ids of other runs of the same store, and how each holds them:
 * `mlflow.parentRunId` (a sweep trial's parent), `kdlab.teacher_run_id` and `kdlab.baseline_run_id`
 * (a distilled run's references) and `kdlab.member_run_ids` (an ensemble's teachers, comma-separated).
 * A copy of a run on another store must have them rewritten to that store's ids.
 */
export const RUN_ID_TAGS: Readonly<Record<string, RunIdTagShape>> = {
  'mlflow.parentRunId': 'one',
  'kdlab.teacher_run_id': 'one',
  'kdlab.baseline_run_id': 'one',
  'kdlab.member_run_ids': 'list',
};

/** A run id that a tag names and that could not be rewritten. */
export interface UnmappedRunId {
  /** The tag, e.g. `kdlab.teacher_run_id`. */
  tag: string;
  /** The id it names. */
  runId: string;
}

function idsOf(value: string, shape: RunIdTagShape): string[] {
  return (shape === 'one' ? [value] : value.split(',')).filter((id) => id !== '');
}

/** A run's tags with their run ids rewritten. */
export interface RewrittenTags {
  /** Every tag of the run, the run ids of {@link RUN_ID_TAGS} rewritten where they could be. */
  tags: Record<string, string>;
  /** The ids that could not be, kept as they were. */
  unmapped: UnmappedRunId[];
}

/**
 * The run ids a run's tags name (see {@link RUN_ID_TAGS}), each once, in tag order.
 *
 * @param tags - The run's tags.
 */
export function referencedRunIds(tags: Readonly<Record<string, string>>): string[] {
  const ids = new Set<string>();
  for (const [tag, shape] of Object.entries(RUN_ID_TAGS)) {
    const value = tags[tag];
    if (value !== undefined) for (const id of idsOf(value, shape)) ids.add(id);
  }
  return [...ids];
}

/**
 * A run's tags with every run id of {@link RUN_ID_TAGS} replaced by its id on the other store. An id
 * `mapId` does not know is kept as it is and listed in `unmapped`.
 *
 * @param tags - The run's tags.
 * @param mapId - The other store's id of a run, or `undefined`.
 * @returns The rewritten tags (the others unchanged) and the ids left as they were.
 */
export function rewriteRunIdTags(
  tags: Readonly<Record<string, string>>,
  mapId: (runId: string) => string | undefined,
): RewrittenTags {
  const rewritten: Record<string, string> = { ...tags };
  const unmapped: UnmappedRunId[] = [];
  for (const [tag, shape] of Object.entries(RUN_ID_TAGS)) {
    const value = tags[tag];
    if (value === undefined || idsOf(value, shape).length === 0) continue;
    const ids = idsOf(value, shape).map((runId) => {
      const mapped = mapId(runId);
      if (mapped === undefined) unmapped.push({ tag, runId });
      return mapped ?? runId;
    });
    rewritten[tag] = shape === 'one' ? ids[0]! : ids.join(',');
  }
  return { tags: rewritten, unmapped };
}
