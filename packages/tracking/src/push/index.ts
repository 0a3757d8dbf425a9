/**
 * `kdlab push`: copying the runs of a local store to an MLflow tracking server, exactly once.
 *
 * @module
 */
export { pushStore, type PushStoreOptions, type PushOutcome, type PushedRunSummary, type PushReport } from './push-store.js';
export { PushInputError, PushBusyError } from './push-errors.js';
export { planPush, UnknownExperimentError, type PlanPushOptions, type PushPlan, type PlannedRun, type PushDecision, type UnknownReference } from './plan-push.js';
export { copyRun, SOURCE_RUN_TAG, type CopyRunInput, type RunCopy, type RunCopyOrigin } from './copy-run.js';
export { PushLedger, pushLedgerPath, PUSH_LEDGER_PREFIX, type PushedRun, type PushedRunState } from './push-ledger.js';
export { RUN_ID_TAGS, referencedRunIds, rewriteRunIdTags, type RunIdTagShape, type UnmappedRunId, type RewrittenTags } from './cross-run-tags.js';
export { listArtifactFiles } from './local-artifacts.js';
