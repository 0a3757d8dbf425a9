import type { Dispatcher } from 'undici';

/** How failed requests are retried: exponential back-off with jitter, on connection errors, 429 and 5xx only. */
export interface RetryOptions {
  /** Attempts in all, the first included (1 = never retry). Default 5. */
  readonly maxAttempts: number;
  /** Delay before the first retry, in ms. Default 250. */
  readonly initialDelayMs: number;
  /** Upper bound of one delay (also caps `Retry-After`), in ms. Default 8000. */
  readonly maxDelayMs: number;
  /** Factor between successive delays. Default 2. */
  readonly multiplier: number;
  /** Share of each delay that is random, 0..1: the delay is `d * (1 - jitter * random())`. Default 0.5. */
  readonly jitter: number;
}

/** What is reported before each retry (no headers, no credentials). */
export interface RetryEvent {
  /** HTTP method of the request. */
  readonly method: string;
  /** Endpoint path of the request. */
  readonly endpoint: string;
  /** The attempt that just failed (1 for the first). */
  readonly attempt: number;
  /** How long the client waits before the next attempt, in ms. */
  readonly delayMs: number;
  /** Why, e.g. `HTTP 503 TEMPORARILY_UNAVAILABLE` or `ECONNRESET`. */
  readonly reason: string;
}

/** Everything an {@link MlflowClient} can be configured with; unset fields come from the environment. */
export interface MlflowClientOptions {
  /** Tracking server URL (`http(s)://host:port[/prefix]`); default `MLFLOW_TRACKING_URI`. User info in it is used as Basic credentials. */
  readonly trackingUri?: string;
  /** Bearer token; default `MLFLOW_TRACKING_TOKEN`. */
  readonly token?: string;
  /** Basic-auth user name; default `MLFLOW_TRACKING_USERNAME`. */
  readonly username?: string;
  /** Basic-auth password; default `MLFLOW_TRACKING_PASSWORD`. */
  readonly password?: string;
  /** Accept any TLS certificate (self-signed servers); default `MLFLOW_TRACKING_INSECURE_TLS` (`true`/`1`). */
  readonly insecureTls?: boolean;
  /** Where `MLFLOW_*` variables are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Retry settings, or `false` to never retry. */
  readonly retry?: Partial<RetryOptions> | false;
  /** Longest wait for the answer's headers, then between body chunks, in ms. Default 60000. */
  readonly timeoutMs?: number;
  /** Longest wait for a connection, in ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** An undici dispatcher to send through (a `ProxyAgent`, ...); the client then neither creates nor closes its own. */
  readonly dispatcher?: Dispatcher;
  /** Called before each retry, e.g. to log it. */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Read ±1.7976931348623157e308 (how MLflow's SQL store saves ±Infinity) back as ±Infinity. Default true; set false
   * to get the stored number unchanged.
   */
  readonly readMaxFloatAsInfinity?: boolean;
  /** `user_id` sent when creating runs without one; default `USER` / `LOGNAME` / `USERNAME`, then the OS account. */
  readonly userId?: string;
}
