/**
 * `@kdlab/core`: kdlab's container, plugin contracts, experiment API, engine, data, tracking and CLI.
 *
 * @packageDocumentation
 */
// Container and plugin contracts
export * from './container/tokens.js';
export * from './container/plugin-registry.js';
export * from './container/plugin-module.js';
export * from './container/create-container.js';
export * from './model/model.js';
export * from './model/define-model.js';
export * from './loss/define-loss.js';
export * from './prune/define-pruning.js';
export * from './prune/known-prunings.js';
export * from './prune/magnitude-pruning.js';
export * from './prune/magnitude-masks.js';
export * from './prune/polynomial-sparsity.js';
export * from './prune/prunings-module.js';
export * from './plugins/load-plugin-packages.js';
// Data
export * from './data/index.js';
// Experiments
export * from './experiment/define-experiment.js';
export * from './experiment/known-plugins.js';
export * from './experiment/experiment-schema.js';
export * from './experiment/resolve-experiment.js';
export * from './experiment/validation-error.js';
export * from './errors/field-error.js';
export * from './experiment/apply-overrides.js';
export * from './experiment/expand-sweep.js';
export * from './experiment/load-experiment-file.js';
// Engine
export * from './engine/backend/backend-name.js';
export * from './engine/backend/select-backend.js';
export * from './engine/train-settings.js';
export * from './engine/create-optimizer.js';
export * from './engine/optimizers/fused-adam-optimizer.js';
export * from './engine/optimizers/tensorflow-resource-adam.js';
export * from './engine/classification-metrics.js';
export * from './engine/predict-logits.js';
export * from './engine/teacher-signal.js';
export * from './engine/train-model.js';
export * from './engine/weighted-term.js';
export * from './engine/weight-schedule.js';
export * from './engine/learning-rate-schedule.js';
export * from './engine/max-norm.js';
export * from './engine/pruning-masks.js';
export * from './engine/sparse-size.js';
export * from './engine/bias-shift.js';
export * from './engine/combine-teacher-logits.js';
export * from './engine/weights-snapshot.js';
export * from './engine/copy-weights.js';
export * from './engine/checkpoint/train-checkpoint.js';
export * from './engine/checkpoint/saved-tensor.js';
export * from './engine/checkpoint/optimizer-state.js';
export * from './engine/derive-seed.js';
export * from './engine/measure-latency.js';
export * from './engine/training-aborted.js';
export * from './engine/pretrain/pretrain-settings.js';
export * from './engine/pretrain/mask-tokens.js';
export * from './engine/pretrain/mlm-head.js';
export * from './engine/pretrain/mlm-loss.js';
export * from './engine/pretrain/train-mlm.js';
export * from './engine/quantize/quantize-artifacts.js';
export * from './engine/quantize/affine-uint8.js';
export * from './engine/quantize/float16.js';
export * from './engine/quantize/predict-loaded-logits.js';
export * from './model/model-files.js';
export * from './model/model-folder.js';
export * from './model/capture-artifacts.js';
// Tracking
export * from './tracking/index.js';
// Runs and reports
export * from './run/run-experiment.js';
export * from './run/distillation-runner.js';
export * from './run/trained-model-cache.js';
export * from './run/checkpoint-store.js';
export * from './run/plan/check-plan.js';
export * from './run/run-sweep.js';
export * from './run/in-process-executor.js';
export * from './run/worker-pool-executor.js';
export * from './run/worker-protocol.js';
export * from './run/run-reporter.js';
export * from './run/tracked-run.js';
export * from './run/flatten-params.js';
export * from './run/config-hash.js';
export * from './run/teacher-data.js';
export * from './run/build-model.js';
export * from './run/create-terms.js';
export * from './run/create-stages.js';
export * from './run/create-pruning.js';
export * from './run/artifact-save-handler.js';
export * from './run/evaluate-quantized.js';
export * from './report/distillation-summary.js';
export * from './report/format-summary.js';
export * from './report/index.js';
// Export to a browser page
export * from './export/index.js';
// CLI
export * from './cli/main.js';
export * from './cli/exit-codes.js';
export * from './cli/prepare-experiment.js';
