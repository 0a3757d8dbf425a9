/**
 * A second process for the concurrency test: waits until an agreed moment, then starts several
 * runs at once in one experiment of a shared store, and prints the experiment ids it got.
 * Usage: `node --import tsx concurrent-writer.fixture.ts <root> <experiment name> <runs> <start ms>`.
 */
import { MlrunsTracker } from '@kdlab/tracking';

const [root = '', experimentName = '', runCount = '1', startAt = '0'] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const tracker = new MlrunsTracker({ location: root });
const runs = await Promise.all(
  Array.from({ length: Number(runCount) }, (_, index) => tracker.startRun({ experimentName, runName: `process ${process.pid} run ${index}` })),
);
await Promise.all(runs.map((run) => run.logMetrics([{ key: 'x', value: 1, step: 0 }]).then(() => run.end('FINISHED'))));
await tracker.close();
process.stdout.write(JSON.stringify(runs.map((run) => run.experimentId)));
