import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentProcessIdentity } from '../src/liveness/process-identity.js';
import { livenessRecord, type LivenessRecord } from '../src/liveness/liveness-record.js';
import { endRunsOfGoneProcesses } from '../src/mlruns/end-gone-runs.js';
import { RUN_LIVENESS_FILE } from '../src/mlruns/run-liveness-file.js';
import { MlrunsTracker, readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import type { RunHandle, RunStatus } from '@kdlab/core';
import { continueToEpochFive, logThreeEpochs, T0 } from './support/resumed-training.js';
import { makeTempFolder, type TempFolder } from './temp-store.js';

let temp: TempFolder;
let root: string;
const trackers: MlrunsTracker[] = [];

beforeEach(async () => {
  temp = await makeTempFolder('kdlab-resume-');
  root = join(temp.path, 'mlruns');
});
afterEach(async () => {
  for (const tracker of trackers.splice(0)) await tracker.close();
  await temp.remove();
});

/** A tracker on the test store, closed after the test. */
function openTracker(): MlrunsTracker {
  const tracker = new MlrunsTracker({ location: root });
  trackers.push(tracker);
  return tracker;
}

/** The id of a process that has exited (and was reaped), so that no process has it for now. */
function pidOfAnEndedProcess(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

const livenessFileOf = (run: { experimentId: string; runId: string }): string => join(root, run.experimentId, run.runId, RUN_LIVENESS_FILE);
const metaOf = (run: { experimentId: string; runId: string }): string => readFileSync(join(root, run.experimentId, run.runId, 'meta.yaml'), 'utf8');

/** Makes the run's liveness record name a process that has exited, as a training killed with SIGKILL leaves it. */
function killOwner(run: RunHandle): void {
  const record: LivenessRecord = { ...livenessRecord(currentProcessIdentity(), Date.now()), pid: pidOfAnEndedProcess() };
  writeFileSync(livenessFileOf(run), JSON.stringify(record));
}

async function recordOf(runId: string): Promise<MlrunsRunRecord> {
  const run = (await readMlrunsStore(root)).runs.find((candidate) => candidate.info.runId === runId);
  if (run === undefined) throw new Error(`run ${runId} is not in the store`);
  return run;
}

/** Steps of each metric, in file order. */
const stepsOf = (run: MlrunsRunRecord): Record<string, number[]> =>
  Object.fromEntries(Object.entries(run.metrics).map(([key, points]) => [key, points.map((point) => point.step)]));

/**
 * A training of 3 epochs ({@link logThreeEpochs}). Ended with `endWith` when given (its process caught Ctrl-C); otherwise its tracker is closed
 * without ending it, and the run stays RUNNING with its liveness record, as a process that dies leaves it.
 */
async function training(endWith?: RunStatus): Promise<RunHandle> {
  const tracker = openTracker();
  const run = await tracker.startRun({ experimentName: 'resume', runName: 'student', startTime: T0 });
  await logThreeEpochs(run);
  if (endWith !== undefined) await run.end(endWith);
  await tracker.close();
  return run;
}

/** A training whose process died (see {@link training}). */
const trainingThatDied = (): Promise<RunHandle> => training();

const cases: [string, () => Promise<RunHandle>, string][] = [
  [
    'ended KILLED by the sweep of runs whose process is gone',
    async () => {
      const run = await trainingThatDied();
      killOwner(run);
      expect((await endRunsOfGoneProcesses(root)).map((gone) => gone.runId)).toEqual([run.runId]);
      return run;
    },
    'KILLED',
  ],
  [
    'left RUNNING with a liveness record whose process is gone',
    async () => {
      const run = await trainingThatDied();
      killOwner(run);
      return run;
    },
    'RUNNING',
  ],
  ['ended FAILED by its own process (Ctrl-C)', () => training('FAILED'), 'FAILED'],
];

describe('MlrunsTracker.resumeRun', () => {
  it.each(cases)('reopens a run %s: RUNNING again, the last step of each metric, then each step stored once', async (_, leave, statusBefore) => {
    const died = await leave();
    expect((await recordOf(died.runId)).info.status).toBe(statusBefore);

    const tracker = openTracker();
    const { handle, lastSteps } = await tracker.resumeRun(died.runId);
    expect(lastSteps).toEqual({ 'train/loss': 3, 'val/accuracy': 3, 'train/lr': 1 });
    expect([handle.runId, handle.experimentId]).toEqual([died.runId, died.experimentId]);
    const reopened = await recordOf(died.runId);
    expect(reopened.info).toMatchObject({ status: 'RUNNING', endTime: null, startTime: T0, runName: 'student' });
    const meta = metaOf(died);
    expect(meta).toContain('\nstatus: 1\n');
    expect(meta).toContain('\nend_time: null\n');
    expect(meta).not.toContain('deleted_time');
    const record = JSON.parse(readFileSync(livenessFileOf(died), 'utf8')) as LivenessRecord;
    expect(record).toMatchObject({ host: currentProcessIdentity().host, pid: process.pid });
    expect(await endRunsOfGoneProcesses(root)).toEqual([]);

    await handle.logParams({ 'optimizer.lr': 0.1 });
    await expect(handle.logParams({ 'optimizer.lr': 0.2 })).rejects.toThrow(/Param 'optimizer\.lr' of run [0-9a-f]{32} was already logged with value '0\.1'/);
    await continueToEpochFive(handle, lastSteps);
    await handle.end('FINISHED');

    const finished = await recordOf(died.runId);
    expect(finished.info.status).toBe('FINISHED');
    expect(finished.info.endTime).toBeGreaterThanOrEqual(T0);
    expect(stepsOf(finished)).toEqual({ 'train/loss': [1, 2, 3, 4, 5], 'train/lr': [1], 'val/accuracy': [1, 2, 3, 4, 5] });
    expect(finished.metrics['train/loss']!.map((point) => point.timestamp)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 104, T0 + 105]);
    expect(finished.params).toEqual({ 'optimizer.lr': '0.1' });
    expect(existsSync(livenessFileOf(died))).toBe(false);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('keeps a resumed run under watch: when its process dies in turn, the sweep ends it KILLED again', async () => {
    const died = await trainingThatDied();
    killOwner(died);
    await endRunsOfGoneProcesses(root);
    const tracker = openTracker();
    const { handle } = await tracker.resumeRun(died.runId);
    await handle.logMetrics([{ key: 'train/loss', value: 0.2, step: 4, timestamp: T0 + 104 }]);
    await tracker.close();
    expect(await endRunsOfGoneProcesses(root)).toEqual([]); // this process is alive: its run is left alone
    killOwner(died);
    expect((await endRunsOfGoneProcesses(root)).map((gone) => gone.runId)).toEqual([died.runId]);
    expect((await recordOf(died.runId)).info.status).toBe('KILLED');
    const { lastSteps } = await openTracker().resumeRun(died.runId);
    expect(lastSteps['train/loss']).toBe(4);
  });

  it('refuses a run the store does not have, naming the id and the store', async () => {
    const died = await trainingThatDied();
    const unknown = 'f'.repeat(32);
    const tracker = openTracker();
    await expect(tracker.resumeRun(unknown)).rejects.toThrow(`Cannot resume run '${unknown}': store '${root}' has no such run`);
    await expect(tracker.resumeRun('../escape')).rejects.toThrow(`Cannot resume run '../escape' of store '${root}': not a valid run id.`);
    const absent = new MlrunsTracker({ location: join(temp.path, 'no-store') });
    trackers.push(absent);
    await expect(absent.resumeRun(died.runId)).rejects.toThrow(`store '${join(temp.path, 'no-store')}' has no such run`);
    expect(existsSync(join(temp.path, 'no-store'))).toBe(false);
  });

  it('refuses a FINISHED run, which has nothing left to resume, and changes nothing', async () => {
    const run = await openTracker().startRun({ experimentName: 'resume', runName: 'done' });
    await run.end('FINISHED');
    const before = metaOf(run);
    await expect(openTracker().resumeRun(run.runId)).rejects.toThrow(
      `Cannot resume run '${run.runId}' of store '${root}': it is FINISHED, so it has nothing left to resume (start a new run instead).`,
    );
    expect(metaOf(run)).toBe(before);
    expect(existsSync(livenessFileOf(run))).toBe(false);
  });

  it('refuses a RUNNING run whose process is alive (this one), and a closed tracker', async () => {
    const owner = openTracker();
    const run = await owner.startRun({ experimentName: 'resume', runName: 'live' });
    await expect(openTracker().resumeRun(run.runId)).rejects.toThrow(/it is RUNNING and owned by this process \(\d+\), which may still be alive/);
    await expect(owner.resumeRun(run.runId)).rejects.toThrow(/owned by this process/);
    await run.end('KILLED');
    await owner.close();
    await expect(owner.resumeRun(run.runId)).rejects.toThrow(/is closed: cannot resume run/);
  });
});
