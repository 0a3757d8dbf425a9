import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@kdlab/core';
import { goneReason, readLivenessRecord } from '../liveness/liveness-record.js';
import { emitMetaYaml } from './meta-yaml.js';
import { runInfoFromMeta, runMetaEntries } from './run-meta.js';
import { runLivenessFile } from './run-liveness-file.js';
import { listExperimentFolders, listRunFolders, readMetaYaml } from './store-scan.js';
import { MLRUNS } from './store-layout.js';

/** A run found RUNNING whose process is gone, and ended KILLED. */
export interface GoneRun {
  /** The run's id. */
  runId: string;
  /** Its experiment's id. */
  experimentId: string;
  /** Its name. */
  runName: string;
  /** The end time it was given: its process's last heartbeat, in ms since the epoch. */
  endTime: number;
  /** Why its process is taken for gone. */
  reason: string;
}

/** Options of {@link endRunsOfGoneProcesses}. */
export interface EndGoneRunsOptions {
  /** The time now, in ms (default `Date.now()`). */
  now?: number;
  /** How old a heartbeat may be where the process cannot be checked, in ms (default 10 minutes). */
  heartbeatTimeoutMs?: number;
}

/**
 * Ends KILLED the runs of a local store that are RUNNING although the process that owns them is gone
 * (killed with SIGKILL, out of memory, the machine rebooted): a run whose liveness record names a
 * process of this host that no longer runs (by id and start time, so a reused id is not mistaken for
 * it), or whose heartbeat is older than the timeout where its process cannot be checked. Each gets
 * the time of its last heartbeat as its end time, and its liveness record is deleted. Runs without a
 * liveness record (written by other tools or older kdlab versions) are left as they are; so are
 * records of runs that already ended. A folder that cannot be read is skipped.
 *
 * @param root - The store folder; a store that does not exist has nothing to end.
 * @param options - The time now and the heartbeat timeout.
 * @returns the runs ended, in store order.
 */
export async function endRunsOfGoneProcesses(root: string, options: EndGoneRunsOptions = {}): Promise<GoneRun[]> {
  const ended: GoneRun[] = [];
  for (const experimentId of await listExperimentFolders(root).catch(() => [])) {
    const experimentFolder = join(root, experimentId);
    for (const runId of await listRunFolders(experimentFolder).catch(() => [])) {
      const gone = await endIfGone(root, join(experimentFolder, runId), options).catch(() => undefined);
      if (gone !== undefined) ended.push(gone);
    }
  }
  return ended;
}

async function endIfGone(root: string, folder: string, options: EndGoneRunsOptions): Promise<GoneRun | undefined> {
  const livenessFile = runLivenessFile(folder);
  const record = await readLivenessRecord(livenessFile);
  if (record === undefined) return undefined;
  const metaFile = join(folder, MLRUNS.metaFile);
  const meta = await readMetaYaml(folder);
  if (meta === undefined) return undefined;
  const info = runInfoFromMeta(meta, metaFile);
  if (info.status !== 'RUNNING') {
    await rm(livenessFile, { force: true }); // left by a process that died between ending the run and deleting it
    return undefined;
  }
  const reason = goneReason(record, options.now, options.heartbeatTimeoutMs);
  if (reason === undefined) return undefined;
  const endTime = Math.max(record.heartbeatAt, info.startTime);
  await writeFileAtomically(root, metaFile, emitMetaYaml(runMetaEntries({ ...info, status: 'KILLED', endTime }, false), metaFile));
  await rm(livenessFile, { force: true });
  return { runId: info.runId, experimentId: info.experimentId, runName: info.runName, endTime, reason };
}
