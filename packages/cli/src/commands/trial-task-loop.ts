import { createInterface } from 'node:readline';
import { jsonSafeResult, WORKER_REPLY_PREFIX, type ExperimentResult, type WorkerReply, type WorkerTask } from '@kdlab/runner';

/** Sends a reply line to the parent process (see `WorkerPoolExecutor`). */
export function replyToParent(message: WorkerReply): void {
  process.stdout.write(`${WORKER_REPLY_PREFIX}${JSON.stringify(message)}\n`);
}

/**
 * What stops a trial process's phase in progress at its next step (its run ends KILLED): SIGINT (the
 * terminal's Ctrl-C, or passed on by the parent), SIGTERM (passed on by the parent, or sent to every
 * process of a job by a scheduler) and the parent's end (stdin closes). Writes to a parent that is
 * gone are dropped.
 */
export function stopOnParentSignals(): AbortController {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.once('end', stop);
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  return abort;
}

/**
 * Reads tasks (JSON lines on stdin) until stdin closes and answers each with `run`'s result or error;
 * once stopped, every task is answered as interrupted without running.
 */
export async function serveTrialTasks(abort: AbortController, run: (task: WorkerTask) => Promise<ExperimentResult | undefined>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const task = JSON.parse(line) as WorkerTask;
    if (abort.signal.aborted) {
      replyToParent({ id: task.id, error: 'Training was interrupted.', errorName: 'TrainingAbortedError' });
      continue;
    }
    try {
      const result = await run(task);
      replyToParent({ id: task.id, ...(result ? { result: jsonSafeResult(result) } : {}) });
    } catch (error) {
      replyToParent({ id: task.id, error: (error as Error).message, errorName: (error as Error).name });
    }
  }
}
