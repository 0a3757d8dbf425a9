import type { z } from 'zod';
import type { HelperMadeSpec } from '../experiment/known-plugins.js';
import type { Model } from './model.js';

/** What a model factory is told besides its options. */
export interface ModelBuildContext {
  /** Input shape of one example, without the batch dimension. */
  inputShape: readonly number[];
  /** Number of output classes. */
  numClasses: number;
  /** Seed for every initialiser and for dropout masks: the same seed builds the same weights. */
  seed: number;
}

/**
 * A model plugin: an id, an options schema and a factory.
 *
 * @typeParam Id - the literal id used in experiment files (`kind: 'mlp'`).
 * @typeParam Schema - a zod object schema: the single source of the options' types, defaults and errors.
 */
export interface ModelDefinition<Id extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** The id used in experiment files. */
  readonly id: Id;
  /** One line saying what the family is. */
  readonly description: string;
  /** The options schema (without `kind`). */
  readonly options: Schema;
  /** Builds a model with freshly initialised, seeded weights. */
  build(options: z.output<Schema>, context: ModelBuildContext): Model;
}

/** Declares a model plugin; the identity function, there for type inference. */
export function defineModel<Id extends string, Schema extends z.ZodType>(
  definition: ModelDefinition<Id, Schema>,
): ModelDefinition<Id, Schema> {
  return definition;
}

/** A model as written in an experiment: its plugin id plus that plugin's options. */
export type ModelSpec<Id extends string = string, Options = Record<string, unknown>> = {
  /** The model plugin's id. */
  kind: Id;
} & Options &
  HelperMadeSpec;

/**
 * Makes the typed experiment helper of a model plugin, e.g. `mlp({ hidden: [800, 800] })`.
 * The helper returns plain JSON data `{ kind: 'mlp', hidden: [800, 800] }`; it is validated
 * against the plugin's schema when the experiment is resolved.
 */
export function modelHelper<Id extends string, Schema extends z.ZodType>(
  definition: ModelDefinition<Id, Schema>,
): (options?: z.input<Schema>) => ModelSpec<Id, z.input<Schema>> {
  return (options) => ({ kind: definition.id, ...(options as object) }) as ModelSpec<Id, z.input<Schema>>;
}
