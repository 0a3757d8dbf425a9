import { MlrunsTracker } from '../../../tracking/src/mlruns/mlruns-tracker.js';
import type { MetricPoint, RunStatus } from '../../../core/src/tracking/tracker.js';

/** One run to write into a fixture store, as kdlab's orchestration would log it. */
export interface FixtureRun {
  /** A name unique in the fixture, used to link runs (also the run name). */
  name: string;
  /** `kdlab.role`; absent for a run that is not kdlab's. */
  role?: 'teacher' | 'ensemble' | 'baseline' | 'distilled' | 'sweep';
  /** Final status; `RUNNING` leaves the run open. Default FINISHED. */
  status?: RunStatus | 'RUNNING';
  /** Params (the flattened experiment, `seed`, `sweep.<path>`). */
  params?: Record<string, string | number>;
  /** Extra tags (`kdlab.invocation`, `kdlab.sweep_id`, ...). */
  tags?: Record<string, string>;
  /** Metrics: a number is logged once (step 0), an array once per epoch (steps 1..n). */
  metrics?: Record<string, number | number[]>;
  /** Name of the parent run (sets `mlflow.parentRunId`). */
  parent?: string;
  /** Name of the baseline run (sets `kdlab.baseline_run_id`). */
  baseline?: string;
  /** Name of the teacher run (sets `kdlab.teacher_run_id`). */
  teacher?: string;
  /** Start time in ms; default: increasing with the order of the list. */
  startTime?: number;
}

/**
 * Writes runs into a local MLflow store with {@link MlrunsTracker}, in order (a run may link only to
 * runs before it).
 *
 * @param storeRoot - The store folder.
 * @param experimentName - The experiment.
 * @param runs - The runs.
 * @returns Run ids by fixture name.
 */
export async function writeFixtureRuns(storeRoot: string, experimentName: string, runs: readonly FixtureRun[]): Promise<Map<string, string>> {
  const tracker = new MlrunsTracker({ location: storeRoot });
  const ids = new Map<string, string>();
  const idOf = (name: string): string => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`fixture run '${name}' is linked before it is written`);
    return id;
  };
  let clock = 1_700_000_000_000;
  for (const fixture of runs) {
    clock += 1000;
    const tags: Record<string, string> = { ...fixture.tags };
    if (fixture.role !== undefined) tags['kdlab.role'] = fixture.role;
    if (fixture.baseline !== undefined) tags['kdlab.baseline_run_id'] = idOf(fixture.baseline);
    if (fixture.teacher !== undefined) tags['kdlab.teacher_run_id'] = idOf(fixture.teacher);
    const run = await tracker.startRun({
      experimentName,
      runName: fixture.name,
      tags,
      startTime: fixture.startTime ?? clock,
      ...(fixture.parent !== undefined ? { parentRunId: idOf(fixture.parent) } : {}),
    });
    ids.set(fixture.name, run.runId);
    if (fixture.params !== undefined) await run.logParams(fixture.params);
    const points: MetricPoint[] = [];
    for (const [key, value] of Object.entries(fixture.metrics ?? {})) {
      if (typeof value === 'number') points.push({ key, value, step: 0, timestamp: clock });
      else value.forEach((epochValue, index) => points.push({ key, value: epochValue, step: index + 1, timestamp: clock + index }));
    }
    if (points.length > 0) await run.logMetrics(points);
    if (fixture.status !== 'RUNNING') await run.end(fixture.status ?? 'FINISHED');
  }
  await tracker.close();
  return ids;
}
