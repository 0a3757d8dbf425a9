/**
 * `@kdlab/losses`: kdlab's distillation losses, one plugin definition per file, each with its
 * typed experiment helper, and `lossesModule`, which registers them all in kdlab's container.
 *
 * @packageDocumentation
 */
export * from './ce.js';
export * from './hinton.js';
export * from './hint.js';
export * from './at.js';
export * from './sp.js';
export * from './rkd.js';
export * from './pkt.js';
export * from './nst.js';
export * from './crd.js';
export * from './contrast-memory.js';
export * from './dkd.js';
export * from './dist.js';
export * from './cosine.js';
export * from './feature-taps.js';
export * from './seeded-random.js';
export * from './stop-gradient.js';
export * from './losses-module.js';
export type * from './known-losses.js';
export * from './docs/loss-documentation.js';
export * from './docs/render-loss-docs.js';
export * from './docs/all-loss-documentation.js';
