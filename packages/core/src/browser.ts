/**
 * What `@kdlab/core` is in a browser bundle (its `browser` export condition): the part of core that
 * needs no Node built-ins. It is what kdlab's custom layers import when a saved model is loaded in a
 * page, and what the page `kdlab export` writes reads and computes. Everything here is also exported
 * by `@kdlab/core` in Node.
 *
 * @packageDocumentation
 */
export * from './engine/derive-seed.js';
export * from './export/sample-file.js';
export * from './export/predict-samples.js';
export * from './export/export-manifest.js';
