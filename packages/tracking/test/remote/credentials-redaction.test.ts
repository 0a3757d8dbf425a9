import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSyncReport } from '../../../cli/src/commands/sync-command.js';
import { MlflowServerTracker, syncJournals } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { rewriteWriter } from './support/dead-journal.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';

const TOKEN = 'tok-SECRET-4242';
const USERNAME = 'robot-user';
const PASSWORD = 'pw-SECRET-1717';
const URI_PASSWORD = 'uri-SECRET-9090';
const SECRETS = [TOKEN, PASSWORD, URI_PASSWORD, Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'), Buffer.from(`uri-user:${URI_PASSWORD}`).toString('base64')];
const env = { MLFLOW_TRACKING_TOKEN: TOKEN, MLFLOW_TRACKING_USERNAME: USERNAME, MLFLOW_TRACKING_PASSWORD: PASSWORD };

let server: FakeMlflowServer;
let temp: TempFolder;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-secrets-');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('credentials', () => {
  it('never appear in journals, artifacts, params, tags, warnings, errors, reports or descriptions', async () => {
    const messages: string[] = [];
    const journalDir = join(temp.path, 'journal');
    const uri = server.url.replace('http://', `http://uri-user:${URI_PASSWORD}@`);
    const tracker = new MlflowServerTracker({
      trackingUri: uri,
      journalDir,
      env,
      client: { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } },
      batchDelayMs: 5,
      retryDelay: { initialMs: 20, maxMs: 50 },
      keepCompletedJournal: true,
      onWarning: (message) => messages.push(message),
    });
    const run = await tracker.startRun({ experimentName: 'secrets', runName: 'r', tags: { 'mlflow.user': 'frank' } });
    await run.logParams({ lr: 0.1 });
    await run.logArtifact('big.bin', new Uint8Array(100_000));
    await server.stop();
    await run.logMetrics([{ key: 'loss', value: 1, step: 1 }]);
    await tracker.flush();
    await run.end('FINISHED');
    await tracker.close();
    messages.push(tracker.description, JSON.stringify(tracker), inspect(tracker, { depth: 5 }), String(tracker));
    await tracker.startRun({ experimentName: 'secrets', runName: 'late' }).catch((error: Error) => messages.push(error.message, error.stack ?? ''));
    for (const file of readdirSync(journalDir).filter((name) => name.endsWith('.jsonl'))) rewriteWriter(join(journalDir, file));

    const down = await syncJournals({ journalDir, env, client: { retry: { maxAttempts: 1 } }, onWarning: (message) => messages.push(message) });
    messages.push(formatSyncReport(down), JSON.stringify(down));
    await server.listen();
    const up = await syncJournals({ journalDir, trackingUri: uri, env, keepJournals: true, onWarning: (message) => messages.push(message) });
    messages.push(formatSyncReport(up), JSON.stringify(up));
    expect(up.journals[0]!.outcome).toBe('synced');

    // The credentials were used: username and password win over the token, as in MLflow's client.
    expect(server.requests.every((request) => request.headers.authorization === `Basic ${SECRETS[3]}`)).toBe(true);
    expect(messages.some((message) => /unavailable/.test(message))).toBe(true);
    const written = filesUnder(temp.path).map((file) => readFileSync(file).toString('latin1'));
    expect(written.length).toBeGreaterThanOrEqual(2);
    const stored = [...server.runs.values()].map((r) => JSON.stringify({ info: r.info, params: [...r.params], tags: [...r.tags] }));
    const artifacts = [...server.artifacts.values()].map((bytes) => bytes.toString('latin1'));
    for (const text of [...messages, ...written, ...stored, ...artifacts]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });
});
