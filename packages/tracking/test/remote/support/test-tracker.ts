import { MlflowServerTracker, type MlflowServerTrackerOptions } from '@kdlab/tracking';

/** A tracker tuned for tests: short batch delay, quick retries, warnings collected, no `MLFLOW_*` from the environment. */
export interface TestTracker {
  /** The tracker. */
  tracker: MlflowServerTracker;
  /** Every warning it gave. */
  warnings: string[];
}

/**
 * Makes an {@link MlflowServerTracker} for `url` journaling to `journalDir`, with fast timings.
 *
 * @param url - The (fake) server.
 * @param journalDir - The journal folder.
 * @param options - Anything to override.
 */
export function testTracker(url: string, journalDir: string, options: Partial<MlflowServerTrackerOptions> = {}): TestTracker {
  const warnings: string[] = [];
  const tracker = new MlflowServerTracker({
    trackingUri: url,
    journalDir,
    env: {},
    client: { env: {}, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, connectTimeoutMs: 1000 },
    batchDelayMs: 5,
    fsyncIntervalMs: 20,
    retryDelay: { initialMs: 20, maxMs: 80 },
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { tracker, warnings };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds (checked every 10 ms), failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(10);
  }
}
