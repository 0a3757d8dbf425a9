/**
 * `@kdlab/students`: kdlab's model zoo (teachers are built by the same factories), each family a
 * functional tfjs-layers model wrapped in a {@link LayersModelAdapter}, with named feature taps.
 *
 * @packageDocumentation
 */
export * from './layers/layers-model-adapter.js';
export * from './layers/layers-feeding.js';
export * from './browser.js';
export * from './layers/fused-layer-normalization.js';
export * from './layers/fused-gelu.js';
export * from './layers/lazy-input-gradient-conv.js';
export * from './ops/layer-norm.js';
export * from './ops/gelu.js';
export * from './ops/softmax.js';
export * from './ops/split-heads.js';
export * from './layers/check-build-context.js';
export * from './layers/kdlab-metadata.js';
export * from './io/file-system-handler.js';
export * from './io/resolve-io-target.js';
export * from './io/load-model.js';
export * from './building/batch-norm.js';
export * from './building/spatial-pool.js';
export * from './transformer/input-embedding.js';
export * from './transformer/encoder-layer.js';
export * from './transformer/describe-transformer.js';
export * from './transformer/initialize-from-teacher.js';
export * from './transformer/token-states.js';
export * from './mlp.js';
export * from './cnn.js';
export * from './fitnet.js';
export * from './resnet.js';
export * from './transformer.js';
export * from './students-module.js';
export type * from './known-models.js';
