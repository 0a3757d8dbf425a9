import { MlflowArtifactCache, type MlflowArtifactCacheOptions } from './remote/mlflow-artifact-cache.js';

/**
 * The remote tier of the trained-model cache that a tracking URI offers: for an `http(s)://` MLflow
 * tracking server, its run artifacts ({@link MlflowArtifactCache}), shared by every machine logging to
 * that server; for nothing, a path or a `file:` URI, `undefined` (a local `./mlruns` store is one
 * machine's disk: the local cache already covers it), and likewise for any other scheme.
 * Credentials come from the `MLFLOW_*` environment, as for the tracker.
 *
 * @param uri - from `--tracking-uri` or `MLFLOW_TRACKING_URI`.
 * @param options - client settings (TLS, retries, timeouts, where `MLFLOW_*` is read) and how long the experiment list is reused.
 */
export function createModelCacheRemote(uri: string | undefined, options: Omit<MlflowArtifactCacheOptions, 'trackingUri'> = {}): MlflowArtifactCache | undefined {
  if (uri === undefined || !/^https?:\/\//i.test(uri)) return undefined;
  return new MlflowArtifactCache({ ...options, trackingUri: uri });
}
