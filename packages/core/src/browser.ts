/**
 * What `@kdlab/core` is in a browser bundle (its `browser` export condition): the part of core that
 * needs no Node built-ins: what kdlab's custom layers import when a saved model is loaded in a page
 * (the page `kdlab export` writes, `@kdlab/export`). Everything here is also exported by `@kdlab/core`
 * in Node.
 *
 * @packageDocumentation
 */
export * from './engine/derive-seed.js';
export * from './engine/fused-kernels.js';
