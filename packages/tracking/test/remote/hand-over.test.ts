import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncJournals, type MlflowServerTracker, type MlflowServerTrackerOptions, type RemoteRunHandle, type SyncJournalsOptions } from '@kdlab/tracking';
import type { RunHandle } from '@kdlab/core';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { journalFiles, journalLines, rewriteWriter } from './support/dead-journal.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

const T0 = 1_700_000_000_000;
const fast: SyncJournalsOptions['client'] = { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } };
let server: FakeMlflowServer;
let temp: TempFolder;
let journalDir: string;
const trackers: MlflowServerTracker[] = [];

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-remote-hand-over-');
  journalDir = join(temp.path, 'journal');
});
afterEach(async () => {
  for (const tracker of trackers.splice(0)) await tracker.close();
  await server.stop();
  await temp.remove();
});

/** A test tracker on the fake server, closed after the test (closing twice is harmless). */
function openTracker(options: Partial<MlflowServerTrackerOptions> = {}): { tracker: MlflowServerTracker; warnings: string[] } {
  const made = testTracker(server.url, journalDir, options);
  trackers.push(made.tracker);
  return made;
}

/** A sweep's parent run with its params and a tag logged, as `startSweepRun` leaves it. */
async function parentRun(tracker: MlflowServerTracker): Promise<RunHandle> {
  const run = await tracker.startRun({ experimentName: 'queued-sweep', runName: 'sweep', tags: { 'kdlab.role': 'sweep' }, startTime: T0 });
  await run.logParams({ 'sweep.temperature': '[2,8]' });
  await run.setTags({ 'kdlab.queue': 'kdlab' });
  return run;
}

const jsonlFiles = (): string[] => readdirSync(journalDir).filter((name) => name.endsWith('.jsonl'));

describe('RemoteRunHandle.handOver', () => {
  it("answers the server's run id; after the tracker closes, the run is RUNNING on the server with everything logged, and no un-ended run is reported", async () => {
    const { tracker, warnings } = openTracker();
    const run = await parentRun(tracker);
    const stored = [...server.runs.values()][0]!;
    expect(await run.handOver!()).toBe(stored.info.run_id);
    expect(run.runId).toBe(stored.info.run_id);
    await tracker.close();

    expect(warnings).toEqual([]);
    expect(server.runs.size).toBe(1);
    expect(stored.info.status).toBe('RUNNING');
    expect(stored.info.end_time).toBeUndefined();
    expect(Object.fromEntries(stored.params)).toEqual({ 'sweep.temperature': '[2,8]' });
    expect(stored.tags.get('kdlab.queue')).toBe('kdlab');
    expect(server.requestsTo('runs/update')).toEqual([]); // nothing ended it, nothing marked it
    expect(jsonlFiles()).toEqual([]); // everything sent and no run left open: the journal is gone
  });

  it('refuses every further call on the handle, and its end() sends nothing', async () => {
    const { tracker, warnings } = openTracker();
    const run = await parentRun(tracker);
    await run.handOver!();
    const ended = `Run ${run.runId} has ended`;
    await expect(run.logParams({ a: 1 })).rejects.toThrow(`${ended}: cannot log params.`);
    await expect(run.setTags({ a: 'b' })).rejects.toThrow(`${ended}: cannot set tags.`);
    await expect(run.logMetrics([{ key: 'm', value: 1, step: 1 }])).rejects.toThrow(`${ended}: cannot log metrics.`);
    await expect(run.logArtifact('notes.txt', 'x')).rejects.toThrow(`${ended}: cannot log artifact.`);
    await expect(run.handOver!()).rejects.toThrow(`${ended}: cannot hand over.`);
    await run.end('FINISHED').catch(() => undefined);
    await tracker.close();
    expect(warnings).toEqual([]);
    expect(server.requestsTo('runs/update')).toEqual([]);
    expect([...server.runs.values()][0]!.info.status).toBe('RUNNING');
  });

  it('journals a handover (no end), which kdlab sync of a dead process leaves alone', async () => {
    const { tracker, warnings } = openTracker({ keepCompletedJournal: true });
    const run = await parentRun(tracker);
    const local = (run as RemoteRunHandle).localRunId;
    await run.handOver!();
    await tracker.close();
    expect(warnings).toEqual([]);

    const [file] = journalFiles(journalDir);
    const records = journalLines(file!);
    expect(records.filter((record) => record['t'] === 'handover')).toEqual([expect.objectContaining({ t: 'handover', run: local })]);
    expect(records.some((record) => record['t'] === 'end')).toBe(false);
    // Its process is gone: a sync replays the journal but ends nothing KILLED.
    rewriteWriter(file!);
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals).toHaveLength(1);
    expect(report.journals[0]).toMatchObject({ runsKilled: [], runsEnded: {} });
    expect([...server.runs.values()][0]!.info.status).toBe('RUNNING');
  });

  it('lets another tracker resume the run while the first journal is still on disk, and end it FINISHED', async () => {
    const { tracker } = openTracker({ keepCompletedJournal: true });
    const run = await parentRun(tracker);
    const serverRunId = await run.handOver!();
    await tracker.close();
    expect(jsonlFiles()).toHaveLength(1);

    const { tracker: finisher, warnings } = openTracker();
    const { handle } = await finisher.resumeRun(serverRunId);
    expect(handle.runId).toBe(serverRunId);
    await handle.logMetrics([{ key: 'sweep/trials_done', value: 4, step: 1, timestamp: T0 + 5 }]);
    await handle.end('FINISHED');
    await finisher.close();
    expect(warnings).toEqual([]);
    const stored = server.runs.get(serverRunId)!;
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.metrics.map((metric) => metric.value)).toEqual([4]);
  });

  it('refuses while the server has not created the run yet (another process could not find it), and the handle stays open', async () => {
    await server.stop();
    const { tracker } = openTracker();
    const run = await tracker.startRun({ experimentName: 'queued-sweep', runName: 'sweep', startTime: T0 });
    expect(run.runId).toBe((run as RemoteRunHandle).localRunId);
    await expect(run.handOver!()).rejects.toThrow(`Run ${run.runId} cannot be handed over: the MLflow server has not created it yet (is it unavailable?).`);
    await server.listen();
    await tracker.flush();
    await run.logParams({ still: 'open' });
    const serverRunId = await run.handOver!();
    await tracker.close();
    const stored = server.runs.get(serverRunId)!;
    expect(stored.info.status).toBe('RUNNING');
    expect(Object.fromEntries(stored.params)).toEqual({ still: 'open' });
  });
});
