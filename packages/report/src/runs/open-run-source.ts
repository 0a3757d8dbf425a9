import { MlflowClient } from '@kdlab/mlflow';
import { parseFileTrackingUri } from '@kdlab/tracking';
import { LocalRunSource } from './local-run-source.js';
import type { RunSource } from './run-source.js';
import { ServerRunSource } from './server-run-source.js';

/** The local store read when no tracking URI is given. */
export const DEFAULT_LOCAL_STORE = './mlruns';

/**
 * The run source a tracking URI names, as `kdlab run` writes them: nothing, a path or a `file:` URI
 * is a local MLflow store (`./mlruns` by default); `http(s)://` is an MLflow tracking server
 * (credentials from `MLFLOW_TRACKING_TOKEN` / `_USERNAME` / `_PASSWORD`).
 *
 * @param uri - from `--tracking-uri` or `MLFLOW_TRACKING_URI`.
 * @param cwd - What a relative path is resolved against.
 * @throws Error naming the URI for an unsupported scheme or a malformed `file:` URI.
 */
export function openRunSource(uri: string | undefined, cwd: string = process.cwd()): RunSource {
  if (uri === undefined || uri.trim() === '') return new LocalRunSource(parseFileTrackingUri(DEFAULT_LOCAL_STORE, cwd), DEFAULT_LOCAL_STORE);
  if (/^https?:\/\//i.test(uri)) return new ServerRunSource(new MlflowClient({ trackingUri: uri }));
  return new LocalRunSource(parseFileTrackingUri(uri, cwd), uri);
}
