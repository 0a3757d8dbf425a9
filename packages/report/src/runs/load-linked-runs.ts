import { KDLAB_RUN_TAGS } from '../comparison/kdlab-run-tags.js';
import type { RunSource } from './run-source.js';
import type { ExperimentRuns } from './stored-run.js';

/**
 * Completes an experiment's runs with the runs of other experiments they point to by id (the
 * `kdlab.teacher_run_id` and `kdlab.baseline_run_id` tags): a teacher trained, and cached, while
 * another experiment ran is then found as this experiment's reference (see `ExperimentRuns.linkedRuns`).
 *
 * @param source - Where the runs are.
 * @param experiment - The experiment's runs, as loaded.
 * @returns The same runs with `linkedRuns` set (empty when every link is inside the experiment).
 */
export async function loadLinkedRuns(source: RunSource, experiment: ExperimentRuns): Promise<ExperimentRuns> {
  const own = new Set(experiment.runs.map((run) => run.runId));
  const missing = new Set<string>();
  for (const run of experiment.runs) {
    for (const tag of [KDLAB_RUN_TAGS.teacherRunId, KDLAB_RUN_TAGS.baselineRunId]) {
      const id = run.tags[tag];
      if (id !== undefined && !own.has(id)) missing.add(id);
    }
  }
  return { ...experiment, linkedRuns: missing.size === 0 ? [] : await source.loadRunsById([...missing]) };
}
