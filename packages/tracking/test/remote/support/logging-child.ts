// A training process for the kill -9 test: logs through MlflowServerTracker to the server given as
// argv[2], journaling to argv[3]. It prints `ready <run id>` once three epochs are on the server,
// then waits for a line on stdin (the test stops the server meanwhile), logs three more epochs and
// starts a second run (both only journaled: the server is down), prints `logged` once they are in the
// journal file, and waits to be killed.
import { createInterface } from 'node:readline';
import { MlflowServerTracker } from '@kdlab/tracking';

const [trackingUri, journalDir] = process.argv.slice(2);
if (trackingUri === undefined || journalDir === undefined) throw new Error('usage: logging-child.ts <tracking uri> <journal dir>');
const tracker = new MlflowServerTracker({
  trackingUri,
  journalDir,
  client: { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } },
  batchDelayMs: 5,
  retryDelay: { initialMs: 50, maxMs: 200 },
  onWarning: (message) => process.stderr.write(`${message}\n`),
});
const metrics = (epoch: number) => [
  { key: 'train/loss', value: 1 / epoch, step: epoch },
  { key: 'val/accuracy', value: epoch / 100, step: epoch },
];
const run = await tracker.startRun({ experimentName: 'killed', runName: 'victim', tags: { 'mlflow.user': 'carol' } });
await run.logParams({ lr: 0.01, epochs: 6 });
for (let epoch = 1; epoch <= 3; epoch += 1) await run.logMetrics(metrics(epoch));
await tracker.flush();
process.stdout.write(`ready ${run.runId}\n`);

const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
for (let epoch = 4; epoch <= 6; epoch += 1) await run.logMetrics(metrics(epoch));
await run.logArtifact('notes.txt', 'written while the server was down');
const orphan = await tracker.startRun({ experimentName: 'killed', runName: 'orphan', parentRunId: run.runId });
await orphan.logMetrics(metrics(1));
// Calls reach the journal file within journalWriteDelayMs (20 ms): give them that before saying so.
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write('logged\n');
setInterval(() => undefined, 60_000);
