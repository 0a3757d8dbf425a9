import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentProcessIdentity, livenessRecord, syncJournals, type LivenessRecord, type SyncJournalsOptions } from '@kdlab/tracking';
import { livenessFileOf } from '../../src/journal/journal-location.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { journalFiles } from './support/dead-journal.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

let server: FakeMlflowServer;
let temp: TempFolder;
let journalDir: string;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-sync-live-');
  journalDir = join(temp.path, 'journal');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

const fast: SyncJournalsOptions['client'] = { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } };
const LAST_CALL = 1_700_000_000_000;

/** Logs a run while the server is down and closes without ending it: the journal and its liveness record stay. */
async function unfinishedJournal(): Promise<string> {
  await server.stop();
  const { tracker } = testTracker(server.url, journalDir);
  const run = await tracker.startRun({ experimentName: 'offline', runName: 'r', startTime: LAST_CALL - 10_000 });
  await run.logMetrics([{ key: 'val/accuracy', value: 0.5, step: 1, timestamp: LAST_CALL }]);
  await tracker.close();
  await server.listen();
  return journalFiles(journalDir)[0]!;
}

/** Rewrites the journal's header and its liveness record as if `writer` had written them. */
function rewriteWriter(file: string, writer: Partial<LivenessRecord>): void {
  const [header, ...rest] = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, [JSON.stringify({ ...(JSON.parse(header!) as object), ...writer }), ...rest].join('\n'));
  const record = JSON.parse(readFileSync(livenessFileOf(file), 'utf8')) as LivenessRecord;
  writeFileSync(livenessFileOf(file), JSON.stringify({ ...record, ...writer }));
}

describe('syncJournals and the liveness of their writers', () => {
  it('keeps a liveness record beside a journal left with work in it, naming this process', async () => {
    const file = await unfinishedJournal();
    const record = JSON.parse(readFileSync(livenessFileOf(file), 'utf8')) as LivenessRecord;
    expect(record).toMatchObject({ version: 1, pid: process.pid, host: currentProcessIdentity().host });
    const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(header['startTicks']).toBe(currentProcessIdentity().startTicks);
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals[0]).toMatchObject({ outcome: 'writer-alive' });
  });

  it('takes a journal whose pid now belongs to another process (another start time) for dead, and ends its run KILLED', async () => {
    const me = currentProcessIdentity();
    if (me.startTicks === undefined) return; // no /proc: start times cannot be compared here
    const file = await unfinishedJournal();
    rewriteWriter(file, { startTicks: me.startTicks + 7 });
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals[0]).toMatchObject({ outcome: 'synced', runsEnded: { KILLED: 1 } });
    expect([...server.runs.values()][0]!.info.status).toBe('KILLED');
    expect(existsSync(livenessFileOf(file))).toBe(false);
  });

  it("ends a dead writer's runs at its last heartbeat when that is later than the run's last call", async () => {
    const file = await unfinishedJournal();
    const lastHeartbeat = Date.now();
    rewriteWriter(file, { pid: 1 << 22, heartbeatAt: lastHeartbeat }); // above Linux's largest pid: no such process
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals[0]).toMatchObject({ outcome: 'synced' });
    const run = [...server.runs.values()][0]!;
    expect(run.info).toMatchObject({ status: 'KILLED', end_time: lastHeartbeat });
  });

  it('leaves alone a journal of another host while its heartbeat is fresh, and replays it once the heartbeat is 10 minutes old', async () => {
    const file = await unfinishedJournal();
    rewriteWriter(file, { host: 'elsewhere.example', heartbeatAt: Date.now() - 60_000 });
    const fresh = await syncJournals({ journalDir, client: fast });
    expect(fresh.journals[0]).toMatchObject({ outcome: 'other-host' });
    expect(fresh.journals[0]!.detail).toMatch(/last heartbeat was 60 s ago/);
    expect(server.runs.size).toBe(0);
    rewriteWriter(file, { heartbeatAt: Date.now() - 11 * 60_000 });
    const stale = await syncJournals({ journalDir, client: fast });
    expect(stale.journals[0]).toMatchObject({ outcome: 'synced', runsEnded: { KILLED: 1 } });
    expect([...server.runs.values()][0]!.info.status).toBe('KILLED');
  });

  it('replays only the journals written for one server when asked to', async () => {
    const file = await unfinishedJournal();
    rewriteWriter(file, { pid: 1 << 22 });
    const other = await syncJournals({ journalDir, client: fast, forServer: 'http://127.0.0.1:1' });
    expect(other.journals).toEqual([]);
    expect(existsSync(file)).toBe(true);
    const mine = await syncJournals({ journalDir, client: fast, forServer: server.url });
    expect(mine.journals.map((journal) => journal.outcome)).toEqual(['synced']);
  });
});
