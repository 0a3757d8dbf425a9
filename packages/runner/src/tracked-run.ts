import { TrainingAbortedError } from '@kdlab/core';
import type { RunHandle, StartRunOptions, Tracker } from '@kdlab/core';

const MAX_TAG_LENGTH = 5000;

/**
 * Runs `body` inside an MLflow run: FINISHED when it returns, KILLED when training was interrupted,
 * FAILED (with the error in the `kdlab.error` tag) when it throws. No run is left RUNNING; the error
 * is rethrown.
 */
export async function withTrackedRun<T>(tracker: Tracker, options: StartRunOptions, body: (run: RunHandle) => Promise<T>): Promise<T> {
  return withOpenRun(await tracker.startRun(options), body);
}

/**
 * Runs `body` inside a run already open (started, or reopened to resume it), ending it as
 * {@link withTrackedRun} does.
 */
export async function withOpenRun<T>(run: RunHandle, body: (run: RunHandle) => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await body(run);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await run.setTags({ 'kdlab.error': message.slice(0, MAX_TAG_LENGTH) });
    } finally {
      await run.end(error instanceof TrainingAbortedError ? 'KILLED' : 'FAILED');
    }
    throw error;
  }
  await run.end('FINISHED');
  return result;
}
