import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunHandle } from '@kdlab/core';
import { currentProcessIdentity, endRunsOfGoneProcesses, MlrunsTracker, readMlrunsStore, RUN_LIVENESS_FILE, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, livenessRecord, type LivenessRecord } from '../src/liveness/liveness-record.js';
import { makeTempFolder, type TempFolder } from './temp-store.js';

const T0 = 1_700_000_000_000;
let temp: TempFolder;
let root: string;
const trackers: MlrunsTracker[] = [];

beforeEach(async () => {
  temp = await makeTempFolder('kdlab-hand-over-');
  root = join(temp.path, 'mlruns');
});
afterEach(async () => {
  vi.useRealTimers();
  for (const tracker of trackers.splice(0)) await tracker.close();
  await temp.remove();
});

/** A tracker on the test store (another instance each call: another process's, as far as the store can tell), closed after the test. */
function openTracker(): MlrunsTracker {
  const tracker = new MlrunsTracker({ location: root });
  trackers.push(tracker);
  return tracker;
}

const livenessFileOf = (run: { experimentId: string; runId: string }): string => join(root, run.experimentId, run.runId, RUN_LIVENESS_FILE);

async function recordOf(runId: string): Promise<MlrunsRunRecord> {
  const run = (await readMlrunsStore(root)).runs.find((candidate) => candidate.info.runId === runId);
  if (run === undefined) throw new Error(`run ${runId} is not in the store`);
  return run;
}

/** The id of a process that has exited (and was reaped). */
function pidOfAnEndedProcess(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** A sweep's parent run with its params, tags and first metrics queued (not awaited), as `startSweepRun` leaves it. */
async function parentRun(tracker: MlrunsTracker): Promise<{ run: RunHandle; queued: Promise<void>[] }> {
  const run = await tracker.startRun({ experimentName: 'queued-sweep', runName: 'sweep', tags: { 'kdlab.role': 'sweep' }, startTime: T0 });
  const queued = [
    run.logParams({ 'sweep.temperature': '[2,8]', seeds: '[0,1]' }),
    run.setTags({ 'kdlab.queue': 'kdlab' }),
    run.logMetrics([{ key: 'sweep/trials_done', value: 0, step: 0, timestamp: T0 + 1 }]),
  ];
  return { run, queued };
}

describe('MlrunsRunHandle.handOver', () => {
  it('leaves the run RUNNING with the writes queued before it done, deletes its liveness record and answers its id', async () => {
    const tracker = openTracker();
    const { run, queued } = await parentRun(tracker);
    expect(existsSync(livenessFileOf(run))).toBe(true);
    expect(await run.handOver!()).toBe(run.runId);
    await Promise.all(queued);

    expect(existsSync(livenessFileOf(run))).toBe(false);
    const stored = await recordOf(run.runId);
    expect(stored.info).toMatchObject({ status: 'RUNNING', endTime: null });
    expect(stored.params).toEqual({ 'sweep.temperature': '[2,8]', seeds: '[0,1]' });
    expect(stored.tags).toMatchObject({ 'kdlab.role': 'sweep', 'kdlab.queue': 'kdlab', 'mlflow.runName': 'sweep' });
    expect(stored.metrics['sweep/trials_done']).toHaveLength(1);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('refuses every further call on the handle; its end() does not end the run', async () => {
    const tracker = openTracker();
    const { run } = await parentRun(tracker);
    await run.handOver!();
    const ended = `Run ${run.runId} has ended`;
    await expect(run.logParams({ a: 1 })).rejects.toThrow(`${ended}: cannot log params.`);
    await expect(run.setTags({ a: 'b' })).rejects.toThrow(`${ended}: cannot set tags.`);
    await expect(run.logMetrics([{ key: 'm', value: 1, step: 1 }])).rejects.toThrow(`${ended}: cannot log metrics.`);
    await expect(run.logArtifact('notes.txt', 'x')).rejects.toThrow(`${ended}: cannot log artifact.`);
    await expect(run.handOver!()).rejects.toThrow(`${ended}: cannot hand it over.`);
    await run.end('FINISHED').catch(() => undefined);
    await tracker.close();
    expect((await recordOf(run.runId)).info).toMatchObject({ status: 'RUNNING', endTime: null });
  });

  it('is not rewritten by the heartbeat that keeps the tracker’s other runs alive', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const tracker = openTracker();
    const { run } = await parentRun(tracker);
    const other = await tracker.startRun({ experimentName: 'queued-sweep', runName: 'still-running' });
    await run.handOver!();
    const before = JSON.parse(readFileSync(livenessFileOf(other), 'utf8')) as LivenessRecord;
    // Beats until the other run's record is rewritten (each write is asynchronous).
    for (let beat = 0; beat < 50; beat += 1) {
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const now = JSON.parse(readFileSync(livenessFileOf(other), 'utf8')) as LivenessRecord;
      if (JSON.stringify(now) !== JSON.stringify(before)) break;
      if (beat === 49) throw new Error('the heartbeat never rewrote the other run’s liveness record');
    }
    expect(existsSync(livenessFileOf(run))).toBe(false);
    await other.end('FINISHED');
  });

  it('lets another tracker resume the run and end it FINISHED; the resumer owns it then (liveness record of its own)', async () => {
    const owner = openTracker();
    const { run, queued } = await parentRun(owner);
    await run.handOver!();
    await Promise.all(queued);
    await owner.close();

    const finisher = openTracker();
    const { handle, lastSteps } = await finisher.resumeRun(run.runId);
    expect(handle.runId).toBe(run.runId);
    expect(lastSteps).toEqual({ 'sweep/trials_done': 0 });
    const record = JSON.parse(readFileSync(livenessFileOf(run), 'utf8')) as LivenessRecord;
    expect(record).toMatchObject({ pid: process.pid, host: currentProcessIdentity().host });
    await handle.logMetrics([{ key: 'sweep/trials_done', value: 4, step: 1, timestamp: T0 + 2 }]);
    await handle.end('FINISHED');

    const stored = await recordOf(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.info.endTime).toBeGreaterThanOrEqual(T0);
    expect(stored.params).toEqual({ 'sweep.temperature': '[2,8]', seeds: '[0,1]' });
    expect(stored.metrics['sweep/trials_done']!.map((point) => point.step)).toEqual([0, 1]);
    expect(existsSync(livenessFileOf(run))).toBe(false);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('is left RUNNING by endRunsOfGoneProcesses once its process is gone, while a run that process still owned is ended KILLED', async () => {
    const tracker = openTracker();
    const { run, queued } = await parentRun(tracker);
    const owned = await tracker.startRun({ experimentName: 'queued-sweep', runName: 'owned' });
    await run.handOver!();
    await Promise.all(queued);
    await tracker.close();
    // The process that handed the run over, and owned the other one, dies: every liveness record naming it now names a dead process.
    const dead: LivenessRecord = { ...livenessRecord(currentProcessIdentity(), Date.now()), pid: pidOfAnEndedProcess() };
    for (const handle of [run, owned]) if (existsSync(livenessFileOf(handle))) writeFileSync(livenessFileOf(handle), JSON.stringify(dead));
    expect(existsSync(livenessFileOf(owned))).toBe(true);

    const ended = await endRunsOfGoneProcesses(root, { now: Date.now() + HEARTBEAT_TIMEOUT_MS + 60_000 });
    expect(ended.map((gone) => gone.runId)).toEqual([owned.runId]);
    expect((await recordOf(owned.runId)).info.status).toBe('KILLED');
    expect((await recordOf(run.runId)).info).toMatchObject({ status: 'RUNNING', endTime: null });
    // And again later: still nothing to end.
    expect(await endRunsOfGoneProcesses(root, { now: Date.now() + 10 * HEARTBEAT_TIMEOUT_MS })).toEqual([]);
  });
});
