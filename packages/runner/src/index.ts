/**
 * `@kdlab/runner`: runs experiments: loads an experiment file, checks its plan, expands the sweep into trials, trains teachers (cached by content hash), baselines and distilled students in this process or in a pool of worker processes, and tracks every run through a `Tracker`.
 *
 * @packageDocumentation
 */
export * from './load-plugin-packages.js';
export * from './load-experiment-file.js';
export * from './run-experiment.js';
export * from './distillation-runner.js';
export * from './trained-model-cache.js';
export * from './checkpoint-store.js';
export * from './plan/check-plan.js';
export * from './run-sweep.js';
export * from './trial-types.js';
export * from './in-process-executor.js';
export * from './worker-pool-executor.js';
export * from './worker-protocol.js';
export * from './run-reporter.js';
export * from './tracked-run.js';
export * from './flatten-params.js';
export * from './config-hash.js';
export * from './teacher-data.js';
export * from './dataset-digest.js';
export * from './build-model.js';
export * from './create-terms.js';
export * from './create-stages.js';
export * from './create-pruning.js';
export * from './artifact-save-handler.js';
export * from './evaluate-quantized.js';
export * from './distillation-summary.js';
export * from './format-summary.js';
