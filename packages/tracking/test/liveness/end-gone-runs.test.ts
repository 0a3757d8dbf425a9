import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/liveness/heartbeat.js';
import { currentProcessIdentity } from '../../src/liveness/process-identity.js';
import { HEARTBEAT_TIMEOUT_MS, livenessRecord, type LivenessRecord } from '../../src/liveness/liveness-record.js';
import { endRunsOfGoneProcesses } from '../../src/mlruns/end-gone-runs.js';
import { RUN_LIVENESS_FILE } from '../../src/mlruns/run-liveness-file.js';
import { MlrunsTracker, readMlrunsStore, validateMlrunsStore } from '@kdlab/tracking';
import type { RunHandle } from '@kdlab/core';
import { makeTempFolder, type TempFolder } from '../temp-store.js';

let temp: TempFolder;
let root: string;
let tracker: MlrunsTracker;

beforeEach(async () => {
  temp = await makeTempFolder('kdlab-liveness-');
  root = join(temp.path, 'mlruns');
  tracker = new MlrunsTracker({ location: root });
});
afterEach(async () => {
  await tracker.close();
  await temp.remove();
});

const livenessFileOf = (run: RunHandle): string => join(root, run.experimentId, run.runId, RUN_LIVENESS_FILE);
const readRecord = (run: RunHandle): LivenessRecord => JSON.parse(readFileSync(livenessFileOf(run), 'utf8')) as LivenessRecord;
const writeRecord = (run: RunHandle, record: LivenessRecord): void => writeFileSync(livenessFileOf(run), JSON.stringify(record));

/** The id of a process that has exited (and was reaped), so that no process has it for now. */
function pidOfAnEndedProcess(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function statusOf(runId: string): Promise<{ status: string; endTime: number | null }> {
  const run = (await readMlrunsStore(root)).runs.find((candidate) => candidate.info.runId === runId)!;
  return { status: run.info.status, endTime: run.info.endTime };
}

describe('liveness records of a local store', () => {
  it("are written when a run starts, with this process's host, id and start time, and deleted when it ends", async () => {
    const run = await tracker.startRun({ experimentName: 'live', runName: 'r' });
    const record = readRecord(run);
    expect(record).toMatchObject({ version: 1, host: currentProcessIdentity().host, pid: process.pid });
    if (existsSync('/proc/self/stat')) expect(record.startTicks).toBe(currentProcessIdentity().startTicks);
    expect(await validateMlrunsStore(root)).toEqual([]);
    expect((await readMlrunsStore(root)).runs).toHaveLength(1);
    await run.end('FINISHED');
    expect(existsSync(livenessFileOf(run))).toBe(false);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('end KILLED, at their last heartbeat, the RUNNING runs whose process is gone, and only those', async () => {
    const alive = await tracker.startRun({ experimentName: 'live', runName: 'alive' });
    const dead = await tracker.startRun({ experimentName: 'live', runName: 'dead' });
    const reused = await tracker.startRun({ experimentName: 'live', runName: 'reused' });
    const farAway = await tracker.startRun({ experimentName: 'live', runName: 'far-away' });
    const farAwaySilent = await tracker.startRun({ experimentName: 'live', runName: 'far-away-silent' });
    const foreign = await tracker.startRun({ experimentName: 'live', runName: 'no-record' });
    const finished = await tracker.startRun({ experimentName: 'live', runName: 'finished' });
    await finished.end('FINISHED');
    const lastSeen = Date.now(); // after every start
    const now = lastSeen + 5000;
    const me = currentProcessIdentity();
    writeRecord(dead, { ...livenessRecord(me, lastSeen), pid: pidOfAnEndedProcess() });
    writeRecord(farAway, { ...livenessRecord(me, now - 1000), host: 'another-host' });
    writeRecord(farAwaySilent, { ...livenessRecord(me, now - HEARTBEAT_TIMEOUT_MS - 60_000), host: 'another-host' });
    rmSync(livenessFileOf(foreign));
    if (me.startTicks !== undefined) writeRecord(reused, { ...livenessRecord(me, lastSeen + 1), startTicks: me.startTicks + 1 });

    const ended = await endRunsOfGoneProcesses(root, { now });
    const endedIds = ended.map((run) => run.runId).sort();
    const expected = [dead.runId, farAwaySilent.runId, ...(me.startTicks !== undefined ? [reused.runId] : [])].sort();
    expect(endedIds).toEqual(expected);
    expect(await statusOf(dead.runId)).toEqual({ status: 'KILLED', endTime: lastSeen });
    expect(ended.find((run) => run.runId === dead.runId)!.reason).toMatch(/^process \d+ on .* is gone/);
    if (me.startTicks !== undefined) expect(await statusOf(reused.runId)).toEqual({ status: 'KILLED', endTime: lastSeen + 1 });
    expect(ended.find((run) => run.runId === farAwaySilent.runId)!.reason).toMatch(/no heartbeat from process \d+ on host another-host for 11 min/);
    for (const run of [alive, farAway, foreign]) expect((await statusOf(run.runId)).status).toBe('RUNNING');
    expect((await statusOf(finished.runId)).status).toBe('FINISHED');
    expect(existsSync(livenessFileOf(dead))).toBe(false);
    expect(existsSync(livenessFileOf(alive))).toBe(true);
    expect(await validateMlrunsStore(root)).toEqual([]);
    expect(await endRunsOfGoneProcesses(root, { now })).toEqual([]);
  });

  it('treat a live process whose start time differs from the recorded one as a reused id: the run is ended', async () => {
    const me = currentProcessIdentity();
    if (me.startTicks === undefined) return; // no /proc here: only the heartbeat can tell (tested above)
    const run = await tracker.startRun({ experimentName: 'live', runName: 'r' });
    writeRecord(run, { ...readRecord(run), startTicks: me.startTicks - 1 });
    const [ended] = await endRunsOfGoneProcesses(root);
    expect(ended?.runId).toBe(run.runId);
    expect(ended?.reason).toContain('now another process');
  });

  it('are refreshed by the heartbeat until released', async () => {
    const heartbeat = new Heartbeat(20);
    const file = join(temp.path, 'record.json');
    await heartbeat.add(file, temp.path);
    const first = (JSON.parse(readFileSync(file, 'utf8')) as LivenessRecord).heartbeatAt;
    const deadline = Date.now() + 10_000;
    while ((JSON.parse(readFileSync(file, 'utf8')) as LivenessRecord).heartbeatAt === first) {
      if (Date.now() > deadline) throw new Error('no heartbeat within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await heartbeat.release(file);
    expect(existsSync(file)).toBe(false);
  });
});
