import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncJournals, type MlflowServerTracker, type SyncJournalsOptions } from '@kdlab/tracking';
import { continueToEpochFive, logThreeEpochs, T0 } from '../support/resumed-training.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { journalFiles, journalLines, rewriteWriter } from './support/dead-journal.js';
import { FakeMlflowServer, type StoredRun } from './support/fake-mlflow-server.js';
import { testTracker } from './support/test-tracker.js';

const fast: SyncJournalsOptions['client'] = { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } };
let server: FakeMlflowServer;
let temp: TempFolder;
let journalDir: string;
const trackers: MlflowServerTracker[] = [];

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-remote-resume-');
  journalDir = join(temp.path, 'journal');
});
afterEach(async () => {
  for (const tracker of trackers.splice(0)) await tracker.close();
  await server.stop();
  await temp.remove();
});

/** A test tracker on the fake server, closed after the test. */
function openTracker(url = server.url): { tracker: MlflowServerTracker; warnings: string[] } {
  const made = testTracker(url, journalDir);
  trackers.push(made.tracker);
  return made;
}

/**
 * A training whose process died after 3 epochs, its run then ended KILLED by `kdlab sync` (the replay
 * of the journal the dead process left), as `kdlab run` does before it starts.
 */
async function trainingKilled(): Promise<StoredRun> {
  const { tracker } = openTracker();
  const run = await tracker.startRun({ experimentName: 'resume', runName: 'student', startTime: T0 });
  await logThreeEpochs(run);
  await tracker.close();
  rewriteWriter(journalFiles(journalDir)[0]!);
  const report = await syncJournals({ journalDir, client: fast });
  expect(report.journals[0]).toMatchObject({ outcome: 'synced', runsKilled: [run.runId] });
  return server.runs.get(run.runId)!;
}

/** The JSON bodies of the requests to one endpoint. */
const bodiesTo = (endpoint: string): unknown[] => server.requestsTo(endpoint).map((request) => JSON.parse(request.body.toString('utf8')) as unknown);

describe('MlflowServerTracker.resumeRun', () => {
  it('reopens a KILLED run with runs/get then runs/update RUNNING (no end time), and continues it: each step stored once', async () => {
    const stored = await trainingKilled();
    const killedAt = stored.info.end_time;
    expect(stored.info.status).toBe('KILLED');
    const requestsBefore = server.requests.length;

    const { tracker, warnings } = openTracker();
    const { handle, lastSteps } = await tracker.resumeRun(stored.info.run_id);
    const sent = server.requests.slice(requestsBefore).map((request) => `${request.method} ${request.path}`);
    expect(sent).toEqual(['GET /api/2.0/mlflow/runs/get', 'POST /api/2.0/mlflow/runs/update']);
    expect(server.requestsTo('runs/get').at(-1)!.query).toEqual({ run_id: stored.info.run_id });
    expect(bodiesTo('runs/update').at(-1)).toEqual({ run_id: stored.info.run_id, status: 'RUNNING' });
    expect(lastSteps).toEqual({ 'train/loss': 3, 'val/accuracy': 3, 'train/lr': 1 });
    expect([handle.runId, handle.experimentId]).toEqual([stored.info.run_id, stored.info.experiment_id]);
    expect(stored.info.status).toBe('RUNNING');
    expect(stored.info.end_time).toBe(killedAt); // MLflow's runs/update cannot clear an end time

    await handle.logParams({ 'optimizer.lr': 0.1 });
    await expect(handle.logParams({ 'optimizer.lr': 0.2 })).rejects.toThrow(/Param 'optimizer\.lr' of run [0-9a-f]{32} was already logged with value '0\.1'/);
    await continueToEpochFive(handle, lastSteps);
    await handle.end('FINISHED');
    await tracker.close();

    expect(warnings).toEqual([]);
    expect(server.runs.size).toBe(1);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.info.end_time).toBeGreaterThan(killedAt!);
    const steps = (key: string): number[] => stored.metrics.filter((metric) => metric.key === key).map((metric) => metric.step);
    expect([steps('train/loss'), steps('val/accuracy'), steps('train/lr')]).toEqual([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1]]);
    expect(Object.fromEntries(stored.params)).toEqual({ 'optimizer.lr': '0.1' });
    expect(readdirSync(journalDir).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  });

  it('journals the resume, so that kdlab sync ends the run KILLED again when the resumed process dies in turn', async () => {
    const stored = await trainingKilled();
    const { tracker } = openTracker();
    const { handle } = await tracker.resumeRun(stored.info.run_id);
    await handle.logMetrics([{ key: 'train/loss', value: 0.2, step: 4, timestamp: T0 + 104 }]);
    await tracker.close();
    const [file] = journalFiles(journalDir);
    const resume = journalLines(file!).find((record) => record['t'] === 'resume');
    expect(resume).toMatchObject({ serverRunId: stored.info.run_id, experimentId: stored.info.experiment_id, artifactUri: stored.info.artifact_uri });
    expect((await syncJournals({ journalDir, client: fast })).journals[0]).toMatchObject({ outcome: 'writer-alive' });
    rewriteWriter(file!);
    const report = await syncJournals({ journalDir, client: fast });
    expect(report.journals[0]).toMatchObject({ outcome: 'synced', runsCreated: 0, runsKilled: [stored.info.run_id], runsEnded: { KILLED: 1 } });
    expect(stored.info.status).toBe('KILLED');
    expect(stored.metrics.filter((metric) => metric.key === 'train/loss').map((metric) => metric.step)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a run a journal still holds (calls not sent by a process that is gone) until kdlab sync has replayed it', async () => {
    const { tracker } = openTracker();
    const run = await tracker.startRun({ experimentName: 'resume', runName: 'student', startTime: T0 });
    await expect(tracker.resumeRun(run.runId)).rejects.toThrow(`Cannot resume run '${run.runId}' of MLflow server ${server.url}: this tracker has it open already`);
    await server.stop();
    await logThreeEpochs(run);
    await tracker.close();
    await server.listen();
    const file = journalFiles(journalDir)[0]!;
    rewriteWriter(file);

    const { tracker: resumer } = openTracker();
    const refusal = `Cannot resume run '${run.runId}' of MLflow server ${server.url}: journal ${file} (written by process`;
    await expect(resumer.resumeRun(run.runId)).rejects.toThrow(refusal);
    await expect(resumer.resumeRun(run.runId)).rejects.toThrow(/has 5 calls of it not on the server yet and left it RUNNING: if that process is gone, run `kdlab sync` first/);
    expect(server.requestsTo('runs/get')).toHaveLength(0);

    await syncJournals({ journalDir, client: fast });
    const { lastSteps } = await resumer.resumeRun(run.runId);
    expect(lastSteps).toEqual({ 'train/loss': 3, 'val/accuracy': 3, 'train/lr': 1 });
  });

  it('refuses a FINISHED run and a run the server does not have, naming the server and the run', async () => {
    const { tracker } = openTracker();
    const run = await tracker.startRun({ experimentName: 'resume', runName: 'done' });
    await run.end('FINISHED');
    await tracker.flush();
    await expect(tracker.resumeRun(run.runId)).rejects.toThrow(
      `Cannot resume run '${run.runId}' of MLflow server ${server.url}: it is FINISHED, so it has nothing left to resume (start a new run instead).`,
    );
    const unknown = 'f'.repeat(32);
    await expect(tracker.resumeRun(unknown)).rejects.toThrow(`Cannot resume run '${unknown}': MLflow server ${server.url} has no such run.`);
    expect(server.requestsTo('runs/update').map((request) => (JSON.parse(request.body.toString('utf8')) as { status: string }).status)).toEqual(['FINISHED']);
  });

  it('fails with a clear error, naming the server and the run, when the server does not answer', async () => {
    const stored = await trainingKilled();
    await server.stop();
    const { tracker } = openTracker();
    const error = await tracker.resumeRun(stored.info.run_id).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    expect(error?.message).toMatch(
      new RegExp(`^Cannot resume run '${stored.info.run_id}': MLflow server ${server.url.replace(/[.]/g, '\\.')} is unavailable \\(MlflowConnectionError: .*\\)\\. A resume needs the server`),
    );
    expect(tracker.journalFile).toBeUndefined();
    expect(stored.info.status).toBe('KILLED');
  });
});

/** A recorded scenario file of packages/mlflow's fixtures. */
interface RecordedScenario {
  exchanges: { request: { method: string; path: string }; response: { status: number; body: unknown } }[];
}

const recordings: [string, string][] = [
  ['MLflow 2.12.2', '../../../mlflow/test/fixtures/exchanges/run-lifecycle.json'],
  ['MLflow 3.6', '../../../mlflow/test/fixtures/exchanges-3.6/run-lifecycle.json'],
];

describe('MlflowServerTracker.resumeRun on recorded answers', () => {
  it.each(recordings)('reads the last step of each metric from the runs/get answer of %s', async (_, path) => {
    const scenario = JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as RecordedScenario;
    const recorded = scenario.exchanges.find((exchange) => exchange.request.method === 'GET' && exchange.request.path.endsWith('/runs/get'))!.response.body as {
      run: { info: Record<string, unknown>; data: { metrics: { key: string; step: number }[] } };
    };
    // The recorded run had finished; as a run to resume, it was ended KILLED.
    const answer = { run: { ...recorded.run, info: { ...recorded.run.info, status: 'KILLED' } } };
    const replay = await replayServer(answer);
    try {
      const { tracker } = openTracker(replay.url);
      const runId = String(recorded.run.info['run_id']);
      const { handle, lastSteps } = await tracker.resumeRun(runId);
      const expected = Object.fromEntries(recorded.run.data.metrics.map((metric) => [metric.key, metric.step]));
      expect(lastSteps).toEqual(expected);
      expect(Object.keys(lastSteps).length).toBeGreaterThan(0);
      expect(handle.runId).toBe(runId);
      expect(replay.requests).toEqual([
        { method: 'GET', url: `/api/2.0/mlflow/runs/get?run_id=${runId}`, body: '' },
        { method: 'POST', url: '/api/2.0/mlflow/runs/update', body: JSON.stringify({ run_id: runId, status: 'RUNNING' }) },
      ]);
      await handle.end('KILLED');
      await tracker.close();
    } finally {
      await replay.close();
    }
  });
});

/** A server that answers `runs/get` with a recorded body and `runs/update` with its run's info, recording each request. */
async function replayServer(runsGet: { run: { info: Record<string, unknown> } }): Promise<{
  url: string;
  requests: { method: string; url: string; body: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const answer = request.url?.startsWith('/api/2.0/mlflow/runs/get?')
        ? runsGet
        : { run_info: { ...runsGet.run.info, status: (JSON.parse(body || '{}') as { status?: string }).status } };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
