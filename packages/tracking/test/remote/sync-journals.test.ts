import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal, syncJournals, type SyncJournalsOptions } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { journalFiles, journalLines, rewriteWriter } from './support/dead-journal.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

let server: FakeMlflowServer;
let temp: TempFolder;
let journalDir: string;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-sync-');
  journalDir = join(temp.path, 'journal');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

const fast: SyncJournalsOptions['client'] = { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } };

/** Logs a run while the server is down and closes: the journal keeps everything. */
async function journalWhileDown(options: { end?: boolean } = {}): Promise<string> {
  await server.stop();
  const { tracker } = testTracker(server.url, journalDir);
  const run = await tracker.startRun({ experimentName: 'offline', runName: 'r', tags: { 'mlflow.user': 'dan' }, startTime: 1_700_000_000_000 });
  await run.logParams({ seed: 3 });
  for (let epoch = 1; epoch <= 4; epoch += 1) await run.logMetrics([{ key: 'val/accuracy', value: epoch / 10, step: epoch }]);
  if (options.end === true) await run.end('FINISHED');
  await tracker.close();
  await server.listen();
  const [file] = journalFiles(journalDir);
  return file!;
}

describe('syncJournals', () => {
  it('creates the run the server never saw, sends every call, ends an unfinished run KILLED at its last call, and deletes the journal', async () => {
    const file = await journalWhileDown();
    rewriteWriter(file);
    appendFileSync(file, '{"t":"metrics","seq":99,"run":"ab'); // torn by a crash mid-write
    const before = await readJournal(file);
    expect(before.tornTail).toBe(true);
    const lastAt = Math.max(...before.records.map((record) => ('at' in record ? record.at : 0)));

    const report = await syncJournals({ journalDir, client: fast });
    const [result] = report.journals;
    expect(result).toMatchObject({ outcome: 'synced', runsCreated: 1, paramsSent: 1, metricsSent: 4, runsEnded: { KILLED: 1 }, pendingLeft: 0 });
    const [run] = server.runsOf('offline');
    expect(run!.info).toMatchObject({ status: 'KILLED', user_id: 'dan', start_time: 1_700_000_000_000, end_time: lastAt });
    expect(run!.metrics.map((metric) => metric.step)).toEqual([1, 2, 3, 4]);
    expect(result!.runsKilled).toEqual([run!.info.run_id]);
    expect(existsSync(file)).toBe(false);
  });

  it('finds a run an interrupted attempt created instead of creating it twice', async () => {
    const file = await journalWhileDown({ end: true });
    rewriteWriter(file);
    // The crashed process had created the run, but died before journaling its id.
    const start = journalLines(file).find((record) => record['t'] === 'start')!;
    const experimentId = (await (await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'offline' }) })).json()) as { experiment_id: string };
    await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: experimentId.experiment_id, start_time: start['startTime'], run_name: 'r', user_id: 'dan', tags: [{ key: 'mlflow.user', value: 'dan' }] }),
    });
    const report = await syncJournals({ journalDir, client: fast, keepJournals: true });
    expect(report.journals[0]).toMatchObject({ outcome: 'synced', runsCreated: 1, runsKilled: [], runsEnded: { FINISHED: 1 } });
    expect(server.runs.size).toBe(1);
    expect([...server.runs.values()][0]!.info.status).toBe('FINISHED');
    // Kept, and fully acknowledged: a second sync sends nothing.
    const created = journalLines(file).find((record) => record['t'] === 'created')!;
    expect(created['serverRunId']).toBe([...server.runs.keys()][0]);
    const again = await syncJournals({ journalDir, client: fast });
    expect(again.journals[0]).toMatchObject({ outcome: 'synced', callsSent: 0, runsCreated: 0 });
    expect(existsSync(file)).toBe(false);
  });

  it('leaves alone a journal whose process still runs, or that another host wrote', async () => {
    const file = await journalWhileDown();
    rewriteWriter(file, { pid: process.pid });
    const alive = await syncJournals({ journalDir, client: fast });
    expect(alive.journals[0]).toMatchObject({ outcome: 'writer-alive', callsSent: 0 });
    expect(alive.journals[0]!.detail).toContain(`process ${process.pid}`);
    rewriteWriter(file, { host: 'elsewhere.example' });
    const foreign = await syncJournals({ journalDir, client: fast });
    expect(foreign.journals[0]).toMatchObject({ outcome: 'other-host' });
    expect(server.runs.size).toBe(0);
    const included = await syncJournals({ journalDir, client: fast, includeOtherHosts: true });
    expect(included.journals[0]).toMatchObject({ outcome: 'synced', runsCreated: 1 });
  });

  it('skips a journal another live sync holds, and keeps what it could not send when the server is down', async () => {
    const file = await journalWhileDown();
    rewriteWriter(file);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname() }));
    expect((await syncJournals({ journalDir, client: fast })).journals[0]).toMatchObject({ outcome: 'locked' });
    writeFileSync(`${file}.lock`, '');
    await server.stop();
    const down = await syncJournals({ journalDir, client: fast });
    expect(down.journals[0]).toMatchObject({ outcome: 'server-unavailable', callsSent: 0 });
    expect(down.journals[0]!.pendingLeft).toBeGreaterThan(0);
    expect(down.journals[0]!.detail).toMatch(/MlflowConnectionError/);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // The KILLED end it added is journaled, so the next sync does not add a second one.
    expect(journalLines(file).filter((record) => record['t'] === 'end')).toHaveLength(1);
    await server.listen();
    const up = await syncJournals({ journalDir, client: fast });
    expect(up.journals[0]).toMatchObject({ outcome: 'synced', runsEnded: { KILLED: 1 } });
    expect(server.runsOf('offline')[0]!.info.status).toBe('KILLED');
  });

  it('reports a journal it cannot read, naming the file and line', async () => {
    const file = await journalWhileDown();
    rewriteWriter(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(2, 0, 'not json');
    writeFileSync(file, lines.join('\n'));
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals[0]).toMatchObject({ outcome: 'unreadable' });
    expect(report.journals[0]!.detail).toMatch(/\.jsonl, line 3: not a journal record/);
  });
});
