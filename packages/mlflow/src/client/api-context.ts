import type { ResolvedClientConfig } from '../config/resolve-config.js';
import type { RequestExecutor } from '../transport/request-executor.js';

/** What the endpoint groups share: the executor that sends calls, the settings, and a clock. */
export interface ApiContext {
  /** Sends calls with retries. */
  readonly executor: RequestExecutor;
  /** Resolved settings. */
  readonly config: ResolvedClientConfig;
  /** Current time in ms since the epoch. */
  readonly now: () => number;
}
