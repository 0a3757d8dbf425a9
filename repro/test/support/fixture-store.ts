// A small study store for the results-page tests: synthetic runs written with kdlab's own local MLflow
// tracker into a temporary folder (never repro/store), and read back as the page reads them.
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunSource, type StoredRun } from '@kdlab/report';
import { MlrunsTracker } from '@kdlab/tracking';
import type { MetricPoint, RunStatus } from '@kdlab/core';
import type { StudyAnalysis, StudyDefinition } from '../../page/study.js';
import { readExperiments, studyRuns, type StudyRuns } from '../../page/study-runs.js';

/** One synthetic run, as kdlab's orchestration would log it. */
export interface RunSpec {
  /** The run name (`mlflow.runName`); also how later runs link to it, so unique within one {@link writeStore} call. */
  name: string;
  /** `kdlab.role`; absent for a run that is not kdlab's. */
  role?: 'teacher' | 'ensemble' | 'baseline' | 'distilled' | 'sweep';
  /** Final status; `RUNNING` leaves the run open. Default FINISHED. */
  status?: RunStatus | 'RUNNING';
  /** Params (values are logged as text, as the flattened experiment is). */
  params?: Record<string, string | number>;
  /** Further tags (`kdlab.invocation`, `kdlab.backend`, `kdlab.machine.cpu`, ...). */
  tags?: Record<string, string>;
  /** Final metrics: a number is logged once (step 0); an array once per epoch (steps 1..n), the last one latest. */
  metrics?: Record<string, number | readonly number[]>;
  /** Name of a run written before it (any experiment of the same call): sets `kdlab.teacher_run_id`. */
  teacher?: string;
  /** Start time (ms); default: 1 s after the previous run's. */
  start?: number;
  /** Timestamp of the metrics (ms); default: start + 500. */
  end?: number;
}

/** The start of the fixture clock: 2023-11-14 22:13:20 UTC. */
export const T0 = 1_700_000_000_000;

/** A fresh temporary folder; remove it with {@link removeTempDir}. */
export function makeTempDir(prefix = 'kdlab-repro-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a folder made by {@link makeTempDir}. */
export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Writes runs into `<store>/mlruns`, experiment by experiment; a run may link only to runs listed before
 * it. Start times follow the list order (1 s apart unless given); the writes themselves overlap (the
 * first run of each experiment, which creates it, alone; then the runs without a link; then the rest).
 * Returns the run ids by name.
 */
export async function writeStore(store: string, experiments: Readonly<Record<string, readonly RunSpec[]>>): Promise<Map<string, string>> {
  const tracker = new MlrunsTracker({ location: join(store, 'mlruns') });
  const ids = new Map<string, string>();
  let clock = T0;
  const write = async (experimentName: string, spec: RunSpec, start: number): Promise<void> => {
    const end = spec.end ?? start + 500;
    const tags: Record<string, string> = { ...spec.tags };
    if (spec.role !== undefined) tags['kdlab.role'] = spec.role;
    if (spec.teacher !== undefined) {
      const id = ids.get(spec.teacher);
      if (id === undefined) throw new Error(`fixture run '${spec.name}' links to '${spec.teacher}' before it is written`);
      tags['kdlab.teacher_run_id'] = id;
    }
    const run = await tracker.startRun({ experimentName, runName: spec.name, tags, startTime: start });
    ids.set(spec.name, run.runId);
    if (spec.params !== undefined) await run.logParams(spec.params);
    const points: MetricPoint[] = [];
    for (const [key, value] of Object.entries(spec.metrics ?? {})) {
      if (typeof value === 'number') points.push({ key, value, step: 0, timestamp: end });
      else value.forEach((v, i) => points.push({ key, value: v, step: i + 1, timestamp: end - (value.length - 1 - i) }));
    }
    if (points.length > 0) await run.logMetrics(points);
    if (spec.status !== 'RUNNING') await run.end(spec.status ?? 'FINISHED');
  };
  const inParallel = async (experimentName: string, batch: readonly { spec: RunSpec; start: number }[]): Promise<void> => {
    for (let i = 0; i < batch.length; i += 8) await Promise.all(batch.slice(i, i + 8).map(({ spec, start }) => write(experimentName, spec, start)));
  };
  try {
    for (const [experimentName, runs] of Object.entries(experiments)) {
      const timed = runs.map((spec) => ({ spec, start: spec.start ?? (clock += 1000) }));
      const names = new Set(runs.map((spec) => spec.name));
      if (names.size !== runs.length) throw new Error(`fixture runs of '${experimentName}' share a name`);
      const [first, ...rest] = timed;
      if (first === undefined) continue;
      await write(experimentName, first.spec, first.start);
      await inParallel(experimentName, rest.filter(({ spec }) => spec.teacher === undefined));
      await inParallel(experimentName, rest.filter(({ spec }) => spec.teacher !== undefined));
    }
  } finally {
    await tracker.close();
  }
  return ids;
}

/** Reads every run of the named experiments from `<store>/mlruns`, as the page does. */
export async function readStore(store: string, names: readonly string[]): Promise<Map<string, StoredRun[]>> {
  const source = new LocalRunSource(join(store, 'mlruns'));
  try {
    return await readExperiments(source, names);
  } finally {
    await source.close();
  }
}

/** One study's view of the store's runs (with the peers' parsed JSON by name), as the page builds it. */
export async function loadStudyRuns(store: string, study: StudyDefinition, peers: ReadonlyMap<string, unknown> = new Map()): Promise<StudyRuns> {
  return studyRuns(await readStore(store, study.experimentNames), study.experimentNames, peers);
}

/**
 * A study's analysis on fixture stores, for one `describe`: a temporary folder made before its tests and
 * removed after them; each call writes the runs given (none: an empty store) into a store there, read
 * back and analysed with the peers' results given. The same runs are written once: a later call with
 * equal runs reads the store written for the first (stores are only read after they are written).
 */
export function fixtureAnalysis(study: StudyDefinition): (runs?: Readonly<Record<string, readonly RunSpec[]>>, peers?: ReadonlyMap<string, unknown>) => Promise<StudyAnalysis> {
  let root = '';
  let n = 0;
  const written = new Map<string, Promise<string>>();
  beforeAll(async () => {
    root = await makeTempDir();
  });
  afterAll(async () => {
    await removeTempDir(root);
  });
  const storeOf = (runs: Readonly<Record<string, readonly RunSpec[]>> | undefined): Promise<string> => {
    const key = JSON.stringify(runs ?? null);
    let store = written.get(key);
    if (store === undefined) {
      const folder = `${root}/store-${n++}`;
      store = (runs === undefined ? Promise.resolve() : writeStore(folder, runs).then(() => undefined)).then(() => folder);
      written.set(key, store);
    }
    return store;
  };
  return async (runs, peers = new Map()) => study.analyse(await loadStudyRuns(await storeOf(runs), study, peers));
}
