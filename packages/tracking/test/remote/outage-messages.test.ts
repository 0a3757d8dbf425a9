import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { FakeMlflowServer } from './support/fake-mlflow-server.js';
import { testTracker, waitFor } from './support/test-tracker.js';

let server: FakeMlflowServer;
let temp: TempFolder;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-outage-lines-');
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

describe('MlflowServerTracker during an outage', () => {
  it('says once that the server stopped answering, with the calls waiting, and once that it has caught up', async () => {
    // No retry on its own: only flush() tries to send, so the counts are exact.
    const { tracker, warnings } = testTracker(server.url, join(temp.path, 'journal'), { retryDelay: { initialMs: 600_000, maxMs: 600_000 } });
    const run = await tracker.startRun({ experimentName: 'outage', runName: 'r' });
    await run.logMetrics([{ key: 'val/accuracy', value: 0.1, step: 1 }]);
    await tracker.flush();
    expect(warnings).toEqual([]);

    await server.stop();
    for (let epoch = 2; epoch <= 6; epoch += 1) await run.logMetrics([{ key: 'val/accuracy', value: epoch / 10, step: epoch }]);
    await tracker.flush();
    await run.logMetrics([{ key: 'val/accuracy', value: 0.7, step: 7 }]);
    await tracker.flush(); // fails again: the same outage, no second line
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^MLflow server ${server.url} is unavailable \\(MlflowConnectionError: .*\\): 5 calls wait in the journal .*\\.jsonl; training goes on`),
    );

    await server.listen();
    await run.logMetrics([{ key: 'val/accuracy', value: 0.8, step: 8 }]);
    await run.end('FINISHED');
    await tracker.flush();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toBe(`MLflow server ${server.url} answers again and has caught up: the 8 calls journaled meanwhile are on it.`);
    await tracker.close();
    expect(warnings).toHaveLength(2);
    expect(server.runs.get(run.runId)!.metrics).toHaveLength(8);
  });

  it('says that a server which takes the calls but never answers is unavailable, without waiting for the client to give up', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const { tracker, warnings } = testTracker(url, join(temp.path, 'journal'), { slowAnswerMs: 200, client: { env: {}, retry: false, timeoutMs: 600_000 } });
    try {
      const start = tracker.startRun({ experimentName: 'silent', runName: 'r' });
      await waitFor(() => warnings.length > 0, 'the outage line', 10_000);
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^MLflow server ${url} is unavailable \\(no answer for 0\\.2 s\\): 1 call wait in the journal .*\\.jsonl`))]);
      for (const socket of sockets) socket.destroy();
      await start.catch(() => undefined);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      await tracker.close().catch(() => undefined);
    }
  });
});
