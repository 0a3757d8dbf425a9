/**
 * `@kdlab/mlflow`: a typed MLflow tracking REST client for TypeScript over undici. Standalone: no TensorFlow.js,
 * nothing else of kdlab.
 *
 * @packageDocumentation
 */
export { MlflowClient, type MlflowClientDescription } from './client/mlflow-client.js';
export { ExperimentsApi, MAX_EXPERIMENTS_PER_PAGE } from './client/experiments-api.js';
export { RunsApi, MAX_RUNS_PER_PAGE, METRIC_HISTORY_PAGE_SIZE } from './client/runs-api.js';
export { ArtifactsApi } from './client/artifacts-api.js';
export type { RawRequest, RawResponse } from './client/raw-request.js';
export type { MlflowClientOptions, RetryOptions, RetryEvent } from './config/client-options.js';
export { DEFAULT_RETRY_OPTIONS } from './config/retry-settings.js';
export type { CredentialKind } from './config/credentials.js';
export type { HttpMethod } from './transport/http-exchange.js';
export type {
  Experiment,
  LifecycleStage,
  ViewType,
  CreateExperimentInput,
  SearchExperimentsInput,
  ExperimentsPage,
} from './model/experiment.js';
export type { Metric, MetricInput } from './model/metric.js';
export {
  RUN_STATUSES,
  type RunStatus,
  type RunInfo,
  type RunData,
  type Run,
  type ParamValue,
  type CreateRunInput,
  type UpdateRunInput,
  type SearchRunsInput,
  type RunsPage,
  type LogBatchInput,
  type MetricHistoryOptions,
} from './model/run.js';
export type { FileInfo, ArtifactListing, ArtifactRoot, HasArtifactUri, UploadArtifactOptions } from './model/artifact.js';
export {
  LOG_BATCH_LIMITS,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  type LogBatchLimits,
} from './batch/log-batch-limits.js';
export {
  LONG_PARAM_ARTIFACT_FOLDER,
  longParamArtifactPath,
  parseLongParamMarker,
  truncatedParamValue,
  type LongParamMarker,
} from './batch/long-param.js';
export { MAX_KEY_LENGTH, validateKey } from './validation/keys.js';
export { MAX_FLOAT } from './wire/metric-value.js';
export * from './errors/index.js';
