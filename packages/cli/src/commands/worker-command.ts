import { Command } from 'commander';

/** The hidden `kdlab _worker` command: runs sweep phases sent as JSON lines on stdin (see WorkerPoolExecutor), for `kdlab run --jobs` or a queue worker. */
export function workerCommand(): Command {
  return new Command('_worker').description('(internal) run sweep tasks for a parent kdlab process').action(async () => {
    const { runWorker } = await import('./worker-action.js');
    await runWorker();
  });
}
