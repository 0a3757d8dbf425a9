import type { z } from 'zod';
import type { HelperMadeSpec } from '../experiment/known-plugins.js';
import type { magnitudePruningOptions } from './magnitude-pruning.js';

/**
 * The pruning plugins known at compile time, by id, each mapped to its options as written, so that a
 * raw `prune: { kind: 'magnitude', sparsity: 0.9 }` is type-checked in experiment files. Plugin
 * packages extend it by declaration merging (see `KnownLosses`):
 *
 * ```ts
 * declare module '@kdlab/core' {
 *   interface KnownPrunings { random: { sparsity: number } }
 * }
 * ```
 */
export interface KnownPrunings {
  /** Options of kdlab's own `magnitude` pruning. */
  magnitude: z.input<typeof magnitudePruningOptions>;
}

/** A pruning of a known plugin, as written in an experiment. */
export type KnownPruneSpec = {
  [Id in keyof KnownPrunings]: {
    /** The pruning plugin's id. */
    kind: Id;
  } & KnownPrunings[Id];
}[keyof KnownPrunings];

/** A stage's pruning an experiment accepts: a known plugin's, or one made by a plugin's helper. */
export type PruneSpecInput =
  | KnownPruneSpec
  | (HelperMadeSpec & {
      /** The pruning plugin's id. */
      kind: string;
    });
