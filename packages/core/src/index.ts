/**
 * `@kdlab/core`: kdlab's container, plugin contracts, experiment API, engine, data, tracking and CLI.
 *
 * @packageDocumentation
 */
export * from './container/tokens.js';
export * from './container/plugin-registry.js';
export * from './container/plugin-module.js';
export * from './container/create-container.js';
export * from './model/model.js';
export * from './model/define-model.js';
export * from './loss/define-loss.js';
export * from './data/dataset.js';
export * from './data/define-dataset.js';
export * from './tracking/tracker.js';
