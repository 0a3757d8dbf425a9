import { join } from 'node:path';
import { writeFileAtomically } from '@kdlab/core';
import { goneReason, readLivenessRecord, type LivenessRecord } from '../liveness/liveness-record.js';
import { currentProcessIdentity } from '../liveness/process-identity.js';
import { parseFileTrackingUri } from './file-tracking-uri.js';
import { emitMetaYaml } from './meta-yaml.js';
import type { MlrunsRunLocation } from './mlruns-run-handle.js';
import { readMetricFile } from './read-mlruns-store.js';
import { runInfoFromMeta, runMetaEntries, type MlrunsRunInfo } from './run-meta.js';
import { runLivenessFile } from './run-liveness-file.js';
import { findRunExperimentId } from './run-lookup.js';
import { listKeyFiles, readMetaYaml } from './store-scan.js';
import { MLRUNS, RUN_ID_PATTERN, runFolder } from './store-layout.js';

/** A run of a local store that may be resumed, as {@link findRunToResume} found it (nothing written yet). */
export interface RunToResume {
  /** Where the run lives. */
  location: MlrunsRunLocation;
  /** Its `meta.yaml` as found (its status before the resume). */
  info: MlrunsRunInfo;
  /** Its liveness file (to be written by the resuming process's heartbeat). */
  livenessFile: string;
  /** The last step stored of each metric key. */
  lastSteps: Record<string, number>;
}

/**
 * Finds a run of a local store and checks that it can be resumed, writing nothing: it must be in an
 * active experiment, active itself, and not FINISHED (a finished run has nothing to resume); a
 * RUNNING run must have no liveness record, or one whose process is gone (see `goneReason`): a run
 * that a live process (this one included) still owns is not taken from it. KILLED, FAILED and
 * SCHEDULED runs are resumed whatever their liveness file says. Also reads the last step of each metric.
 *
 * @param root - Absolute path of the store.
 * @param runId - The run's id.
 * @throws Error naming the run and the store when the id is malformed, the store has no such run,
 *   the run is deleted, FINISHED or still owned by a live process, or a metric file cannot be read.
 */
export async function findRunToResume(root: string, runId: string): Promise<RunToResume> {
  const where = `run '${runId}' of store '${root}'`;
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) throw new Error(`Cannot resume ${where}: not a valid run id.`);
  const experimentId = await findRunExperimentId(root, runId);
  if (experimentId === undefined) {
    throw new Error(`Cannot resume run '${runId}': store '${root}' has no such run (no active experiment holds a folder '${runId}' with a ${MLRUNS.metaFile}).`);
  }
  const folder = runFolder(root, experimentId, runId);
  const metaFile = join(folder, MLRUNS.metaFile);
  const meta = await readMetaYaml(folder);
  if (meta === undefined) throw new Error(`Cannot resume ${where}: ${metaFile} has disappeared.`);
  const info = runInfoFromMeta(meta, metaFile);
  if (info.runId !== runId || info.experimentId !== experimentId) {
    throw new Error(`Cannot resume ${where}: ${metaFile} records run '${info.runId}' of experiment '${info.experimentId}', so MLflow does not list it there.`);
  }
  if (info.lifecycleStage !== MLRUNS.activeStage) throw new Error(`Cannot resume ${where}: the run is ${info.lifecycleStage}; restore it first.`);
  if (info.status === 'FINISHED') {
    throw new Error(`Cannot resume ${where}: it is FINISHED, so it has nothing left to resume (start a new run instead).`);
  }
  const livenessFile = runLivenessFile(folder);
  if (info.status === 'RUNNING') assertOwnerGone(where, await readLivenessRecord(livenessFile));
  const artifactsFolder = info.artifactUri.startsWith('file:') ? parseFileTrackingUri(info.artifactUri) : undefined;
  return {
    location: { root, folder, artifactsFolder },
    info,
    livenessFile,
    lastSteps: await metricLastSteps(join(folder, MLRUNS.metricsFolder)),
  };
}

/**
 * The last step stored of each metric of a run: the highest step in each metric file (the step MLflow
 * reports with a metric's latest value). Keys with `/` are read from their sub-folders.
 *
 * @param metricsFolder - The run's `metrics` folder; an absent folder has no metrics.
 * @throws Error naming the file (and line) of an empty or malformed metric file.
 */
export async function metricLastSteps(metricsFolder: string): Promise<Record<string, number>> {
  const lastSteps: Record<string, number> = {};
  for (const [key, file] of await listKeyFiles(metricsFolder)) {
    lastSteps[key] = (await readMetricFile(file)).reduce((last, point) => Math.max(last, point.step), Number.NEGATIVE_INFINITY);
  }
  return lastSteps;
}

/**
 * Rewrites a run's `meta.yaml` as RUNNING with `end_time: null` (the rest as found), as a rewrite
 * by MLflow writes it (without the `deleted_time` key of a new run's file).
 *
 * @param run - The run, as {@link findRunToResume} found it.
 * @returns its metadata as written.
 */
export async function writeRunningMeta(run: RunToResume): Promise<MlrunsRunInfo> {
  const info: MlrunsRunInfo = { ...run.info, status: 'RUNNING', endTime: null };
  const metaFile = join(run.location.folder, MLRUNS.metaFile);
  await writeFileAtomically(run.location.root, metaFile, emitMetaYaml(runMetaEntries(info, false), metaFile));
  return info;
}

/** Refuses a RUNNING run whose liveness record names a process that may still be alive. */
function assertOwnerGone(where: string, record: LivenessRecord | undefined): void {
  if (record === undefined || goneReason(record) !== undefined) return;
  const me = currentProcessIdentity();
  const owner = record.pid === me.pid && record.host === me.host ? `this process (${record.pid})` : `process ${record.pid} on ${record.host}`;
  const seconds = Math.max(0, Math.round((Date.now() - record.heartbeatAt) / 1000));
  throw new Error(
    `Cannot resume ${where}: it is RUNNING and owned by ${owner}, which may still be alive (last heartbeat ${seconds} s ago). ` +
      'End that run (or that process) first; once its process is gone, kdlab ends it KILLED and it can be resumed.',
  );
}
