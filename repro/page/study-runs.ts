import { ExperimentNotFoundError, kdlabRunRole, latestMetricValue, type RunSource, type StoredRun } from '@kdlab/report';

/** The runs of a study, read from the study store, with every run of the store's known experiments by id. */
export interface StudyRuns {
  /** The study's finished runs (every role), by MLflow experiment name. */
  finished: ReadonlyMap<string, readonly StoredRun[]>;
  /** The study's runs that did not finish (RUNNING, FAILED, KILLED), by experiment name: counted, never averaged. */
  unfinished: ReadonlyMap<string, readonly StoredRun[]>;
  /** Every run read from the store, by id: a teacher trained (and cached) by another study is found here. */
  byId: ReadonlyMap<string, StoredRun>;
  /** Results of peers outside kdlab (the PyTorch twin), by name, as their JSON files hold them. */
  peers: ReadonlyMap<string, unknown>;
}

/**
 * Reads the runs of the named experiments from a run source: those missing from the store are simply
 * absent (a study not run yet).
 */
export async function readExperiments(source: RunSource, names: readonly string[]): Promise<Map<string, StoredRun[]>> {
  const out = new Map<string, StoredRun[]>();
  for (const name of new Set(names)) {
    try {
      out.set(name, (await source.loadExperimentRuns(name)).runs);
    } catch (error) {
      if (error instanceof ExperimentNotFoundError) continue;
      throw error;
    }
  }
  return out;
}

/** Builds one study's view of the runs read (see {@link StudyRuns}). */
export function studyRuns(all: ReadonlyMap<string, readonly StoredRun[]>, names: readonly string[], peers: ReadonlyMap<string, unknown> = new Map()): StudyRuns {
  const finished = new Map<string, StoredRun[]>();
  const unfinished = new Map<string, StoredRun[]>();
  for (const name of names) {
    const runs = (all.get(name) ?? []).filter((run) => kdlabRunRole(run.tags) !== 'sweep');
    finished.set(name, runs.filter((run) => run.status === 'FINISHED'));
    unfinished.set(name, runs.filter((run) => run.status !== 'FINISHED'));
  }
  const byId = new Map<string, StoredRun>();
  for (const runs of all.values()) for (const run of runs) byId.set(run.runId, run);
  return { finished, unfinished, byId, peers };
}

/** A run's role (`teacher`, `baseline`, ...), or `''` for a run that is not kdlab's. */
export function roleOf(run: StoredRun): string {
  return kdlabRunRole(run.tags) ?? '';
}

/** The student seed a run trained with (`studentSeed`, else `seed`). */
export function studentSeedOf(run: StoredRun): number {
  return Number(run.params['studentSeed'] ?? run.params['seed']);
}

/** A run's param parsed as JSON (so `[800,800]` and `20` come back as values), or `undefined`. */
export function paramValue(run: StoredRun, key: string): unknown {
  const text = run.params[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A run's final value of a metric; throws naming the run and the key when the run lacks it. */
export function metric(run: StoredRun, key: string): number {
  const value = latestMetricValue(run, key);
  if (value === undefined) throw new Error(`run ${run.runId} (${roleOf(run)}) has no metric ${key}`);
  return value;
}

/** A run's final value of a metric, or `undefined`. */
export function optionalMetric(run: StoredRun, key: string): number | undefined {
  return latestMetricValue(run, key);
}

/**
 * Test errors of a run's last-epoch weights: the `test/errors` metric, or, for runs that predate it,
 * `(1 - test/accuracy) * testCount` rounded.
 */
export function testErrors(run: StoredRun, testCount = 10_000): number {
  return optionalMetric(run, 'test/errors') ?? Math.round((1 - metric(run, 'test/accuracy')) * testCount);
}

/** The teacher run a distilled or baseline run was compared against (through its tag), if it is in the store. */
export function linkedRun(runs: StudyRuns, run: StoredRun, tag: 'kdlab.teacher_run_id' | 'kdlab.baseline_run_id'): StoredRun | undefined {
  const id = run.tags[tag];
  return id === undefined ? undefined : runs.byId.get(id);
}

/** Runs of one role among a study's finished runs of one experiment. */
export function runsOf(runs: StudyRuns, experimentName: string, role: string): StoredRun[] {
  return (runs.finished.get(experimentName) ?? []).filter((run) => roleOf(run) === role);
}

/**
 * The finished baselines of an experiment's students: its own, and those its distilled runs link to
 * (`kdlab.baseline_run_id`) in other experiments, since a baseline trained (and cached) by one study
 * serves every study with the same student, data, budget and seed.
 */
export function baselinesOf(runs: StudyRuns, experimentName: string): StoredRun[] {
  return ownAndLinked(runs, experimentName, 'baseline', 'kdlab.baseline_run_id');
}

/**
 * The finished teachers of an experiment's students: its own, and those its distilled runs link to
 * (`kdlab.teacher_run_id`) in other experiments, since a cached teacher serves every study with the
 * same teacher, data and seed.
 */
export function teachersOf(runs: StudyRuns, experimentName: string): StoredRun[] {
  return ownAndLinked(runs, experimentName, 'teacher', 'kdlab.teacher_run_id');
}

function ownAndLinked(runs: StudyRuns, experimentName: string, role: string, tag: 'kdlab.teacher_run_id' | 'kdlab.baseline_run_id'): StoredRun[] {
  const found = new Map(runsOf(runs, experimentName, role).map((run) => [run.runId, run]));
  for (const distilled of runsOf(runs, experimentName, 'distilled')) {
    const linked = linkedRun(runs, distilled, tag);
    if (linked !== undefined && linked.status === 'FINISHED' && roleOf(linked) === role) found.set(linked.runId, linked);
  }
  return [...found.values()];
}
