import { MlrunsTracker } from './mlruns/mlruns-tracker.js';
import { MlflowServerTracker } from './remote/mlflow-server-tracker.js';
import type { Tracker } from '@kdlab/core';

/**
 * Creates the tracker a tracking URI names: nothing, a path or a `file:` URI writes MLflow's local
 * store (`./mlruns` by default); `http(s)://` sends runs to an MLflow tracking server through a
 * journal in `.kdlab/journal` below `cwd` (or `KDLAB_JOURNAL_DIR`), with credentials from
 * `MLFLOW_TRACKING_TOKEN` / `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` and
 * `MLFLOW_TRACKING_INSECURE_TLS` (see {@link MlflowServerTracker}).
 *
 * @param uri - from `--tracking-uri` or `MLFLOW_TRACKING_URI`.
 * @param cwd - what a relative path is resolved against.
 */
export function createTracker(uri: string | undefined, cwd: string = process.cwd()): Tracker {
  if (uri === undefined || uri === '') return new MlrunsTracker({ location: './mlruns', cwd });
  if (/^https?:\/\//i.test(uri)) return new MlflowServerTracker({ trackingUri: uri, cwd });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file:')) {
    throw new Error(`Unsupported tracking URI scheme in "${uri.split(':')[0]}:": use a folder, a file: URI, or http(s)://.`);
  }
  return new MlrunsTracker({ location: uri, cwd });
}
