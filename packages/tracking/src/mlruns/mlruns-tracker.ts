import { readMlrunsStore } from './read-mlruns-store.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FoundRun, ResumedRun, RunHandle, StartRunOptions, Tracker } from '@kdlab/core';
import { Heartbeat } from '../liveness/heartbeat.js';
import { currentUserName } from '../standard-tags.js';
import { assertValidEntityKey } from './entity-key.js';
import { findOrCreateExperiment } from './experiment-resolver.js';
import { parseFileTrackingUri } from './file-tracking-uri.js';
import { MlrunsRunHandle, RUN_NAME_TAG } from './mlruns-run-handle.js';
import { newRunId } from './new-ids.js';
import { findRunToResume, writeRunningMeta } from './resume-run.js';
import type { MlrunsRunInfo } from './run-meta.js';
import { runLivenessFile } from './run-liveness-file.js';
import { findRunExperimentId } from './run-lookup.js';
import { RUN_ID_PATTERN, runFolder, MLRUNS } from './store-layout.js';
import { openMlrunsStore } from './store-root.js';

/** The tag that links a nested run to its parent. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';

/** The tag holding the user who started a run; it also sets the run's `user_id`. */
export const USER_TAG = 'mlflow.user';

/**
 * A new run's `options.tags` with `mlflow.runName` set to its name, after the checks both trackers make
 * before they look at the parent: a non-empty run name, valid tag keys, no `mlflow.runName` tag that
 * names another run.
 */
export function namedRunTags(options: StartRunOptions): Record<string, string> {
  if (typeof options.runName !== 'string' || options.runName.trim() === '') {
    throw new Error(`Run name must be a non-empty string (experiment '${options.experimentName}').`);
  }
  const tags: Record<string, string> = { ...options.tags };
  for (const key of Object.keys(tags)) assertValidEntityKey('tag', key);
  const given = tags[RUN_NAME_TAG];
  if (given !== undefined && given !== options.runName) {
    throw new Error(`Run name '${options.runName}' and tag ${RUN_NAME_TAG}='${given}' differ; give one name.`);
  }
  tags[RUN_NAME_TAG] = options.runName;
  return tags;
}

/** How to open a local store. */
export interface MlrunsTrackerOptions {
  /** The store: a folder path or a `file:` URI, relative or absolute. Defaults to `./mlruns`. */
  location?: string;
  /** What a relative location is resolved against; defaults to the process's folder. */
  cwd?: string;
}

/**
 * A {@link Tracker} that writes MLflow's local file store (`./mlruns`) in the exact layout that
 * MLflow 2.12's server and `mlflow ui` read: experiments found by name or created (safely when
 * several processes share the store), runs with 32-hex ids, and every file written completely.
 */
export class MlrunsTracker implements Tracker {
  /** The store as it was given, e.g. `./mlruns` or `file:///data/mlruns`. */
  readonly description: string;
  /** Absolute path of the store folder. */
  readonly root: string;
  private readonly runs = new Set<MlrunsRunHandle>();
  /** Keeps the liveness record of each RUNNING run of this tracker fresh (see `endRunsOfGoneProcesses`). */
  private readonly heartbeat = new Heartbeat();
  private opened: Promise<void> | undefined;
  private closed = false;

  /**
   * Names the store; nothing is written until the first run starts.
   *
   * @param options - Where the store is.
   */
  constructor(options: MlrunsTrackerOptions = {}) {
    this.description = options.location ?? './mlruns';
    this.root = parseFileTrackingUri(this.description, options.cwd);
  }

  /**
   * Starts a run: finds or creates the experiment, writes the run's folder, its liveness record
   * (this process's host, id and start time, refreshed by a heartbeat until the run ends), its initial
   * tags (`mlflow.runName`, `mlflow.parentRunId` for a nested run, and `options.tags`) and then its
   * `meta.yaml` with status RUNNING and `end_time: null`.
   *
   * @param options - The experiment, run name, tags, parent and start time.
   * @throws Error for an empty run name, a bad tag key, a `mlflow.runName` or `mlflow.parentRunId`
   *   tag that contradicts the options, an unknown parent run, or a closed tracker.
   */
  async startRun(options: StartRunOptions): Promise<RunHandle> {
    if (this.closed) throw new Error(`Tracker for '${this.description}' is closed: cannot start run '${options.runName}'.`);
    const tags = this.initialTags(options);
    const startTime = options.startTime ?? Date.now();
    if (!Number.isSafeInteger(startTime) || startTime < 0) {
      throw new Error(`Run '${options.runName}': startTime must be a non-negative integer (ms), got ${startTime}.`);
    }
    this.opened ??= openMlrunsStore(this.root);
    await this.opened;
    const experiment = await findOrCreateExperiment(this.root, options.experimentName);
    if (options.parentRunId !== undefined && (await findRunExperimentId(this.root, options.parentRunId)) === undefined) {
      throw new Error(`Parent run '${options.parentRunId}' of run '${options.runName}' is not in store '${this.root}'.`);
    }
    const runId = newRunId();
    const folder = runFolder(this.root, experiment.experimentId, runId);
    const artifactUri = `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/${MLRUNS.artifactsFolder}`;
    const artifactsFolder = artifactUri.startsWith('file:') ? parseFileTrackingUri(artifactUri) : undefined;
    const info: MlrunsRunInfo = {
      runId,
      experimentId: experiment.experimentId,
      runName: options.runName,
      userId: tags[USER_TAG] ?? currentUserName(),
      status: 'RUNNING',
      startTime,
      endTime: null,
      artifactUri,
      lifecycleStage: MLRUNS.activeStage,
    };
    await mkdir(folder);
    const livenessFile = runLivenessFile(folder);
    await this.heartbeat.add(livenessFile, this.root);
    for (const subfolder of [MLRUNS.metricsFolder, MLRUNS.paramsFolder]) await mkdir(join(folder, subfolder));
    if (artifactsFolder !== undefined) await mkdir(artifactsFolder, { recursive: true });
    const run = new MlrunsRunHandle({ root: this.root, folder, artifactsFolder }, info, () => this.heartbeat.release(livenessFile));
    await run.initialize(tags);
    this.runs.add(run);
    return run;
  }

  /**
   * Reopens a run of this store to continue it in this process (a training resumed from its
   * checkpoint): writes the run's liveness record for this process (kept fresh by the heartbeat until
   * the run ends, as for a run started here, so that a resumed run whose process dies is again ended
   * KILLED), then rewrites its `meta.yaml` with status RUNNING and `end_time: null`. Params, tags,
   * metrics and artifacts stay as they are; the handle appends to them (a param logged again with the
   * same value is accepted, a changed one is refused).
   *
   * A KILLED or FAILED run is resumed, and so is a RUNNING run whose liveness record names a process
   * that is gone (or that has no record). A FINISHED run is refused: it has nothing left to resume.
   * A RUNNING run whose process may still be alive (this process included) is refused: it is not
   * taken from its owner.
   *
   * @param runId - The run's id.
   * @returns the run's handle, and the last step stored of each metric key.
   * @throws Error naming the run and the store when the store has no such run, or the run is deleted,
   *   FINISHED or owned by a live process; also for a closed tracker.
   */
  async resumeRun(runId: string): Promise<ResumedRun> {
    if (this.closed) throw new Error(`Tracker for '${this.description}' is closed: cannot resume run '${runId}'.`);
    const found = await findRunToResume(this.root, runId);
    await this.heartbeat.add(found.livenessFile, this.root);
    // Should the rewrite fail, the record stays: once this process is gone, kdlab ends the run (or drops the record).
    const info = await writeRunningMeta(found);
    const run = new MlrunsRunHandle(found.location, info, () => this.heartbeat.release(found.livenessFile));
    this.runs.add(run);
    return { handle: run, lastSteps: found.lastSteps };
  }

  /**
   * The runs of an experiment whose tags include all of `tags` (used to skip sweep trials that
   * already finished), as `Tracker.findRuns` of `@kdlab/core` asks.
   */
  async findRuns(experimentName: string, tags: Record<string, string>): Promise<FoundRun[]> {
    let contents;
    try {
      contents = await readMlrunsStore(this.root);
    } catch {
      return [];
    }
    const ids = new Set(contents.experiments.filter((e) => e.name === experimentName).map((e) => e.experimentId));
    return contents.runs
      .filter((run) => ids.has(run.info.experimentId) && run.info.lifecycleStage === 'active')
      .filter((run) => Object.entries(tags).every(([key, value]) => run.tags[key] === value))
      .map((run) => ({ runId: run.info.runId, status: run.info.status, tags: run.tags }));
  }

  /** Waits until every write queued by this tracker's runs has settled. */
  async flush(): Promise<void> {
    await Promise.all([...this.runs].map((run) => run.idle()));
  }

  /**
   * Flushes and refuses further runs. Runs not yet ended stay RUNNING, as their owner left them, with
   * their liveness record: once this process has exited, `kdlab` ends them KILLED.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.heartbeat.stop();
  }

  private initialTags(options: StartRunOptions): Record<string, string> {
    const tags = namedRunTags(options);
    if (options.parentRunId !== undefined) {
      if (!RUN_ID_PATTERN.test(options.parentRunId)) throw new Error(`Parent run id '${options.parentRunId}' is not a valid run id.`);
      const givenParent = tags[PARENT_RUN_TAG];
      if (givenParent !== undefined && givenParent !== options.parentRunId) {
        throw new Error(`parentRunId '${options.parentRunId}' and tag ${PARENT_RUN_TAG}='${givenParent}' differ.`);
      }
      tags[PARENT_RUN_TAG] = options.parentRunId;
    }
    return tags;
  }
}
