/** The tags kdlab's orchestration sets on its runs, which the comparison reads. */
export const KDLAB_RUN_TAGS = {
  /** `teacher`, `ensemble`, `baseline`, `distilled` or `sweep`. */
  role: 'kdlab.role',
  /** Shared by the runs of one `kdlab run` invocation. */
  invocation: 'kdlab.invocation',
  /** Hash of the resolved experiment. */
  configHash: 'kdlab.config_hash',
  /** The sweep a trial's run belongs to. */
  sweepId: 'kdlab.sweep_id',
  /** Hash of a trial's swept values and seed. */
  trialKey: 'kdlab.trial_key',
  /** On a distilled run: the baseline run it is compared against. */
  baselineRunId: 'kdlab.baseline_run_id',
  /** On a distilled run: the teacher (or ensemble) run it is compared against. */
  teacherRunId: 'kdlab.teacher_run_id',
  /** The model family (`mlp`, `cnn`, ...). */
  model: 'kdlab.model',
} as const;

/** What a kdlab run was. */
export type KdlabRunRole = 'teacher' | 'ensemble' | 'baseline' | 'distilled' | 'sweep';

const ROLES: readonly string[] = ['teacher', 'ensemble', 'baseline', 'distilled', 'sweep'] satisfies readonly KdlabRunRole[];

/**
 * The run's `kdlab.role`, or `undefined` when the tag is missing or unknown (not a kdlab run).
 *
 * @param tags - The run's tags.
 */
export function kdlabRunRole(tags: Readonly<Record<string, string>>): KdlabRunRole | undefined {
  const role = tags[KDLAB_RUN_TAGS.role];
  return role !== undefined && ROLES.includes(role) ? (role as KdlabRunRole) : undefined;
}

/** The param prefix of a sweep trial's swept values: `sweep.<path>`. */
export const SWEEP_PARAM_PREFIX = 'sweep.';

/** The param holding a run's seed. */
export const SEED_PARAM = 'seed';
