import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceDoesNotExistError, type MetricInput, type MlflowClient, type Run } from '@kdlab/mlflow';
import { MLRUNS, runFolder } from '../mlruns/store-layout.js';
import { rewriteRunIdTags } from './cross-run-tags.js';
import { listArtifactFiles } from './local-artifacts.js';
import type { PlannedRun } from './plan-push.js';
import type { PushLedger } from './push-ledger.js';

/**
 * The tag every pushed run carries: its id in the local store. Set when the run is created on the
 * server, it lets a push whose ledger was lost (or never written, the process killed right after
 * the run was created) find the copy instead of making a second one.
 */
export const SOURCE_RUN_TAG = 'kdlab.source_run_id';

const PARENT_RUN_TAG = 'mlflow.parentRunId';
const RUN_NAME_TAG = 'mlflow.runName';

/** How the server's run of a copy came about. */
export type RunCopyOrigin =
  /** Created by this push. */
  | 'created'
  /** Created by an earlier push that stopped before the end (from the ledger). */
  | 'resumed'
  /** Found on the server by its {@link SOURCE_RUN_TAG} (the ledger did not know it). */
  | 'found';

/** What copying one run sent. */
export interface RunCopy {
  /** The run's id on the server. */
  serverRunId: string;
  /** How the server's run came about. */
  origin: RunCopyOrigin;
  /** Params sent. */
  params: number;
  /** Tags sent. */
  tags: number;
  /** Metric values sent (every point of every history). */
  metricValues: number;
  /** Artifact files uploaded. */
  artifacts: number;
}

/** What {@link copyRun} needs. */
export interface CopyRunInput {
  /** A client of the server. */
  client: MlflowClient;
  /** Absolute path of the store. */
  storeRoot: string;
  /** The ledger of this store and server; the run is recorded in it once created and once done. */
  ledger: PushLedger;
  /** The run, as planned. */
  planned: PlannedRun;
  /** The id on the server of the run's experiment. */
  serverExperimentId: string;
  /** The server's id of a local run, for the tags that name other runs. */
  serverIdOf: (localRunId: string) => string | undefined;
}

/**
 * Copies one finished run of a local store to an MLflow server: the run created with its name,
 * start time and user (and its parent, as the server's id), or the copy an earlier push started
 * found again; then its params, its tags (run ids rewritten to the server's), every value of every
 * metric (split to MLflow's log-batch limits by the client), its artifact files, and last its
 * status and end time. Sending again what the server already holds changes nothing (params are
 * equal, identical metric values are de-duplicated, tags and files replaced), which is what makes
 * resuming safe.
 *
 * @param input - The client, store, ledger, run and id mappings.
 * @returns What was sent.
 */
export async function copyRun(input: CopyRunInput): Promise<RunCopy> {
  const { client, ledger, planned, serverExperimentId } = input;
  const { run } = planned;
  const localRunId = run.info.runId;
  const { tags } = rewriteRunIdTags(run.tags, input.serverIdOf);
  tags[SOURCE_RUN_TAG] = localRunId;
  let origin: RunCopyOrigin = 'resumed';
  let serverRun = planned.decision.kind === 'resume' ? await existingRun(client, planned.decision.serverRunId) : undefined;
  if (serverRun === undefined) {
    origin = 'found';
    serverRun = await findCopy(client, serverExperimentId, localRunId);
  }
  if (serverRun === undefined) {
    origin = 'created';
    const runName = tags[RUN_NAME_TAG] ?? (run.info.runName || undefined);
    serverRun = await client.runs.create({
      experimentId: serverExperimentId,
      ...(runName !== undefined ? { runName } : {}),
      startTime: run.info.startTime,
      userId: run.info.userId,
      tags: { [SOURCE_RUN_TAG]: localRunId, ...(tags[PARENT_RUN_TAG] !== undefined ? { [PARENT_RUN_TAG]: tags[PARENT_RUN_TAG] } : {}) },
    });
  }
  const serverRunId = serverRun.info.runId;
  await ledger.record(localRunId, { serverRunId, serverExperimentId, state: 'copying' });

  const metrics: MetricInput[] = Object.entries(run.metrics).flatMap(([key, points]) =>
    points.map(({ value, step, timestamp }) => ({ key, value, step, timestamp })),
  );
  await client.runs.logBatch(serverRunId, { params: run.params, tags, metrics });

  const artifactsFolder = join(runFolder(input.storeRoot, run.info.experimentId, localRunId), MLRUNS.artifactsFolder);
  const artifacts = await listArtifactFiles(artifactsFolder);
  for (const path of artifacts) {
    await client.artifacts.upload(serverRun.info, path, new Uint8Array(await readFile(join(artifactsFolder, ...path.split('/')))));
  }

  const status = run.info.status as 'FINISHED' | 'FAILED' | 'KILLED';
  await client.runs.update({ runId: serverRunId, status, ...(run.info.endTime !== null ? { endTime: run.info.endTime } : {}) });
  await ledger.record(localRunId, { serverRunId, serverExperimentId, state: 'done' });
  return { serverRunId, origin, params: Object.keys(run.params).length, tags: Object.keys(tags).length, metricValues: metrics.length, artifacts: artifacts.length };
}

/** The server's run, or `undefined` when it is gone (deleted for good, or the server was reset). */
async function existingRun(client: MlflowClient, serverRunId: string): Promise<Run | undefined> {
  try {
    const found = await client.runs.get(serverRunId);
    return found.info.lifecycleStage === 'active' ? found : undefined;
  } catch (error) {
    if (error instanceof ResourceDoesNotExistError) return undefined;
    throw error;
  }
}

/** A run of the server's experiment carrying `kdlab.source_run_id = <local id>`, if an earlier push made one. */
async function findCopy(client: MlflowClient, serverExperimentId: string, localRunId: string): Promise<Run | undefined> {
  const page = await client.runs.search({
    experimentIds: [serverExperimentId],
    filter: `tags.\`${SOURCE_RUN_TAG}\` = '${localRunId}'`,
    runViewType: 'ACTIVE_ONLY',
    maxResults: 1,
  });
  return page.runs[0];
}
