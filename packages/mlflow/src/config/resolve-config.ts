import { MlflowConfigError } from '../errors/config-error.js';
import type { MlflowClientOptions, RetryEvent, RetryOptions } from './client-options.js';
import { Credentials } from './credentials.js';
import { defaultUserId } from './default-user.js';
import { readBooleanFlag } from './env-flags.js';
import { redactUri } from './redact-uri.js';
import { resolveRetryOptions } from './retry-settings.js';

/** The client's settings once options and environment are merged and checked. */
export interface ResolvedClientConfig {
  /** Server origin plus path prefix, without user info or query. */
  readonly baseUrl: URL;
  /** How requests are authenticated (redacted when printed). */
  readonly credentials: Credentials;
  /** Whether TLS certificates go unchecked. */
  readonly insecureTls: boolean;
  /** Retry settings. */
  readonly retry: RetryOptions;
  /** Headers and body timeout, in ms. */
  readonly timeoutMs: number;
  /** Connect timeout, in ms. */
  readonly connectTimeoutMs: number;
  /** Whether ±max-float metric values read back as ±Infinity. */
  readonly readMaxFloatAsInfinity: boolean;
  /** `user_id` for runs created without one. */
  readonly defaultUserId: string;
  /** Retry observer, when given. */
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseTrackingUri(raw: string, setting: string): { baseUrl: URL; userInfo: Credentials | undefined } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MlflowConfigError(setting, `'${redactUri(raw)}' is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MlflowConfigError(
      setting,
      `'${redactUri(raw)}' is not an http(s) URL: this client talks to a tracking server only ` +
        `(file: stores, 'databricks' and other schemes are not supported)`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new MlflowConfigError(setting, `'${redactUri(url.origin + url.pathname)}' must not carry a query or fragment`);
  }
  const userInfo =
    url.username !== '' ? Credentials.basic(decodeURIComponent(url.username), decodeURIComponent(url.password)) : undefined;
  url.username = '';
  url.password = '';
  return { baseUrl: url, userInfo };
}

function pickCredentials(
  source: 'option' | 'environment',
  token: string | undefined,
  username: string | undefined,
  password: string | undefined,
): Credentials | undefined {
  const names =
    source === 'option'
      ? { username: 'username', password: 'password' }
      : { username: 'MLFLOW_TRACKING_USERNAME', password: 'MLFLOW_TRACKING_PASSWORD' };
  if (username !== undefined && password === undefined) {
    throw new MlflowConfigError(names.password, `${names.username} is set but ${names.password} is not`);
  }
  if (password !== undefined && password !== '' && username === undefined) {
    throw new MlflowConfigError(names.username, `${names.password} is set but ${names.username} is not`);
  }
  if (username !== undefined) return Credentials.basic(username, password ?? '');
  if (token !== undefined) return Credentials.bearer(token);
  return undefined;
}

function positiveMs(setting: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new MlflowConfigError(setting, `expected a positive number of milliseconds, got ${value}`);
  }
  return value;
}

/**
 * Merges options over `MLFLOW_*` environment variables. Credentials come from one place only, in this order: the
 * options (when any of `token`, `username`, `password` is given), the environment, the URI's user info. Within one
 * place, user name and password (Basic) win over a token (Bearer), as in MLflow's Python client.
 */
export function resolveClientConfig(options: MlflowClientOptions = {}): ResolvedClientConfig {
  const env = options.env ?? process.env;
  const uriSetting = options.trackingUri !== undefined ? 'trackingUri' : 'MLFLOW_TRACKING_URI';
  const rawUri = nonEmpty(options.trackingUri) ?? nonEmpty(env.MLFLOW_TRACKING_URI);
  if (rawUri === undefined) {
    throw new MlflowConfigError('MLFLOW_TRACKING_URI', 'no tracking server given: set MLFLOW_TRACKING_URI or pass trackingUri');
  }
  const { baseUrl, userInfo } = parseTrackingUri(rawUri, uriSetting);
  const fromOptions =
    options.token !== undefined || options.username !== undefined || options.password !== undefined
      ? pickCredentials('option', nonEmpty(options.token), nonEmpty(options.username), options.password)
      : undefined;
  const fromEnv =
    fromOptions === undefined
      ? pickCredentials(
          'environment',
          nonEmpty(env.MLFLOW_TRACKING_TOKEN),
          nonEmpty(env.MLFLOW_TRACKING_USERNAME),
          env.MLFLOW_TRACKING_PASSWORD,
        )
      : undefined;
  return {
    baseUrl,
    credentials: fromOptions ?? fromEnv ?? userInfo ?? Credentials.none(),
    insecureTls:
      options.insecureTls ?? readBooleanFlag('MLFLOW_TRACKING_INSECURE_TLS', env.MLFLOW_TRACKING_INSECURE_TLS) ?? false,
    retry: resolveRetryOptions(options.retry),
    timeoutMs: positiveMs('timeoutMs', options.timeoutMs, 60_000),
    connectTimeoutMs: positiveMs('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    readMaxFloatAsInfinity: options.readMaxFloatAsInfinity ?? true,
    defaultUserId: nonEmpty(options.userId) ?? defaultUserId(env),
    onRetry: options.onRetry,
  };
}
