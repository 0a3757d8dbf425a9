/**
 * `@kdlab/students`: kdlab's model zoo (teachers are built by the same factories), each family a
 * functional tfjs-layers model wrapped in a {@link LayersModelAdapter}, with named feature taps.
 *
 * @packageDocumentation
 */
export * from './layers/layers-model-adapter.js';
export * from './layers/layers-feeding.js';
export * from './layers/seeded-dropout.js';
export * from './layers/check-build-context.js';
export * from './layers/kdlab-metadata.js';
export * from './io/file-system-handler.js';
export * from './io/resolve-io-target.js';
export * from './io/load-model.js';
export * from './mlp.js';
export * from './cnn.js';
export * from './fitnet.js';
export * from './resnet.js';
export * from './students-module.js';
