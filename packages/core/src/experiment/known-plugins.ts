import type { WeightSchedule } from '../engine/weight-schedule.js';

/**
 * The loss plugins known at compile time, by id, each mapped to its options as written. Plugin
 * packages extend it by declaration merging, which makes a raw term such as
 * `{ kind: 'hinton', temperature: 4 }` type-checked in experiment files:
 *
 * ```ts
 * declare module '@kdlab/core' {
 *   interface KnownLosses { hinton: { temperature?: number } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KnownLosses {}

/** The model plugins known at compile time, by id, each mapped to its options as written (see {@link KnownLosses}). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KnownModels {}

/**
 * A type-only mark carried by the specs that a plugin's own helper made (`lossHelper`, `modelHelper`):
 * those are type-checked by the helper, so experiments accept them whether or not the plugin is in
 * {@link KnownLosses}. It does not exist at run time.
 */
export declare const pluginSpecMark: unique symbol;

/** The type of a spec made by a plugin's helper (see {@link pluginSpecMark}). */
export interface HelperMadeSpec {
  /** Type-only mark; absent at run time. */
  readonly [pluginSpecMark]: true;
}

/** A loss term of a known plugin, as written in an experiment. */
export type KnownLossTerm = {
  [Id in keyof KnownLosses]: {
    /** The loss plugin's id. */
    kind: Id;
    /** The term's weight. Default 1. */
    weight?: WeightSchedule;
  } & KnownLosses[Id];
}[keyof KnownLosses];

/** A model of a known plugin, as written in an experiment. */
export type KnownModelSpec = {
  [Id in keyof KnownModels]: {
    /** The model plugin's id. */
    kind: Id;
  } & KnownModels[Id];
}[keyof KnownModels];

/** A loss term an experiment accepts: a known plugin's, or one made by a plugin's helper. */
export type LossTermInput =
  | KnownLossTerm
  | (HelperMadeSpec & {
      /** The loss plugin's id. */
      kind: string;
      /** The term's weight. Default 1. */
      weight?: WeightSchedule;
    });

/** A model spec an experiment accepts: a known plugin's, or one made by a plugin's helper. */
export type ModelSpecInput =
  | KnownModelSpec
  | (HelperMadeSpec & {
      /** The model plugin's id. */
      kind: string;
    });
