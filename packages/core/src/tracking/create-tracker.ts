import { MlrunsTracker } from './mlruns/mlruns-tracker.js';
import type { Tracker } from './tracker.js';

/**
 * Creates the tracker a tracking URI names: nothing, a path or a `file:` URI writes MLflow's local
 * store (`./mlruns` by default); `http(s)://` sends runs to an MLflow tracking server.
 *
 * @param uri - from `--tracking-uri` or `MLFLOW_TRACKING_URI`.
 * @param cwd - what a relative path is resolved against.
 */
export function createTracker(uri: string | undefined, cwd: string = process.cwd()): Tracker {
  if (uri === undefined || uri === '') return new MlrunsTracker({ location: './mlruns', cwd });
  if (/^https?:\/\//i.test(uri)) {
    throw new Error(`Tracking to an MLflow server (${new URL(uri).origin}) is not available in this version: use a file: URI or a folder.`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file:')) {
    throw new Error(`Unsupported tracking URI scheme in "${uri.split(':')[0]}:": use a folder, a file: URI, or http(s)://.`);
  }
  return new MlrunsTracker({ location: uri, cwd });
}
