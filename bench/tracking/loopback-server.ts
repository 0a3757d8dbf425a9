// A loopback MLflow-like server in its own process (as a real server would be), for overhead.ts:
// prints its URL on the first line of stdout and serves until SIGTERM or until its stdin closes
// (the benchmark process ended, however it ended).
import { FakeMlflowServer } from '../../packages/tracking/test/remote/support/fake-mlflow-server.js';

const server = await FakeMlflowServer.start();
process.stdout.write(`${server.url}\n`);
const stop = (): void => {
  const runs = [...server.runs.values()];
  process.stderr.write(`loopback server: ${server.requests.length} requests, ${runs.length} runs, ${runs.reduce((sum, run) => sum + run.metrics.length, 0)} metric values stored\n`);
  void server.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
