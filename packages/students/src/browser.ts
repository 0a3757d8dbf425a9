/**
 * `@kdlab/students/browser`: kdlab's custom layers, registered with `tf.serialization` on import, and
 * nothing that needs Node. A page imports this before `tf.loadLayersModel` to load a saved kdlab
 * model; `kdlab export` bundles it into the page it writes. Everything here is also exported by
 * `@kdlab/students`.
 *
 * @packageDocumentation
 */
export * from './layers/seeded-dropout.js';
export * from './layers/multi-head-self-attention.js';
export * from './layers/position-embedding.js';
export * from './layers/class-token.js';
export * from './layers/first-token.js';
export * from './layers/padding-mask.js';
export * from './layers/masked-mean-pooling.js';
