/**
 * `@kdlab/losses`: kdlab's distillation losses, one plugin definition per file, each with its
 * typed experiment helper, and `lossesModule`, which registers them all in kdlab's container.
 *
 * @packageDocumentation
 */
export * from './ce.js';
export * from './hinton.js';
export * from './stop-gradient.js';
export * from './losses-module.js';
