/**
 * `@kdlab/tracking`: where runs go: the local MLflow store (`./mlruns`) writer, reader and validator, the MLflow tracking-server tracker over `@kdlab/mlflow` with its on-disk journal (nothing logged is lost in an outage; `kdlab sync` replays it), process liveness (no run is left RUNNING), `kdlab push`, the standard MLflow run tags, and the trained-model cache's remote tier on a server's run artifacts. It implements `@kdlab/core`'s `Tracker` and `ModelCacheRemote` contracts.
 *
 * @packageDocumentation
 */
export * from './standard-tags.js';
export * from './create-tracker.js';
export * from './create-model-cache-remote.js';
export { MlrunsTracker, PARENT_RUN_TAG, USER_TAG, type MlrunsTrackerOptions } from './mlruns/mlruns-tracker.js';
export { RUN_NAME_TAG } from './mlruns/mlruns-run-handle.js';
export { parseFileTrackingUri } from './mlruns/file-tracking-uri.js';
export { readMlrunsStore, readMetricFile } from './mlruns/read-mlruns-store.js';
export type { MlrunsExperimentRecord, MlrunsRunRecord, MlrunsSkippedEntry, MlrunsStoreContents } from './mlruns/mlruns-records.js';
export type { MlrunsExperimentInfo } from './mlruns/experiment-meta.js';
export { runInfoFromMeta, type MlrunsRunInfo } from './mlruns/run-meta.js';
export type { MlrunsMetricPoint } from './mlruns/metric-line.js';
export { validateMlrunsStore } from './mlruns/validate-mlruns-store.js';
export type { MlrunsProblem, MlrunsRule } from './mlruns/mlruns-problem.js';
export { RUN_STATUS_CODES, runStatusName, type MlflowRunStatusName } from './mlruns/run-status-code.js';
export { entityKeyProblem, assertValidEntityKey, MAX_ENTITY_KEY_LENGTH, type EntityKind } from './mlruns/entity-key.js';
export { formatPythonFloat } from './mlruns/python-float.js';
export { MlflowServerTracker, type MlflowServerTrackerOptions } from './remote/mlflow-server-tracker.js';
export { MlflowArtifactCache, CACHE_ENTRY_TAG, CACHE_ARTIFACT_FOLDER, type MlflowArtifactCacheOptions } from './remote/mlflow-artifact-cache.js';
export { RemoteRunHandle, type RemoteRunRecorder } from './remote/remote-run-handle.js';
export type { RetryDelay } from './remote/background-flusher.js';
export { isServerUnavailable } from './remote/server-unavailable.js';
export { syncJournals, type SyncJournalsOptions, type SyncReport, type JournalSyncResult, type JournalSyncOutcome, type RefusedCall } from './remote/sync-journals.js';
export {
  JOURNAL_FORMAT_VERSION,
  isCallRecord,
  encodeMetricValue,
  decodeMetricValue,
  type JournalMetricValue,
  type SessionRecord,
  type JournalCallFields,
  type StartRecord,
  type ResumeRecord,
  type ParamsRecord,
  type TagsRecord,
  type JournalMetric,
  type MetricsRecord,
  type ArtifactRecord,
  type EndRecord,
  type HandoverRecord,
  type CreatedRecord,
  type DoneRecord,
  type RejectedRecord,
  type CallRecord,
  type JournalRecord,
  type CallDraft,
} from './journal/journal-records.js';
export { readJournal, parseJournalLine, type JournalContents } from './journal/read-journal.js';
export { foldJournal, pendingCalls, runsLeftRunning, type JournalState } from './journal/journal-state.js';
export { resolveJournalDir, listJournalFiles, blobFolderOf, JOURNAL_DIR_VARIABLE, DEFAULT_JOURNAL_DIR, JOURNAL_EXTENSION, type JournalDirOptions } from './journal/journal-location.js';
export { writerLiveness, type WriterLiveness } from './liveness/process-liveness.js';
export { readProcessStart, currentBootId, type ProcessStart } from './liveness/process-start.js';
export { currentProcessIdentity, type ProcessIdentity } from './liveness/process-identity.js';
export { processLiveness, type ProcessLivenessCheck } from './liveness/process-liveness.js';
export { Heartbeat } from './liveness/heartbeat.js';
export {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  livenessRecord,
  readLivenessRecord,
  goneReason,
  type LivenessRecord,
  type GoneReason,
} from './liveness/liveness-record.js';
export { RUN_LIVENESS_FILE, runLivenessFile } from './mlruns/run-liveness-file.js';
export { endRunsOfGoneProcesses, type GoneRun, type EndGoneRunsOptions } from './mlruns/end-gone-runs.js';
export * from './push/index.js';
export * from './mlruns/run-lookup.js';
export * from './mlruns/store-scan.js';
export * from './mlruns/store-layout.js';
export type { MetaYaml } from './mlruns/meta-yaml.js';
export type { YamlValue } from './mlruns/yaml-scalar.js';
