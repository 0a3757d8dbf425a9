import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { HelperMadeSpec } from '../experiment/known-plugins.js';

/** One of the model's trainable variables, as a pruning sees it. */
export interface PrunableVariable {
  /**
   * Its name, `<layer>/<weight>` (`hidden1/kernel`, `layer1_attention/query/kernel`), without the
   * numeric suffix tfjs adds when several models live in one process (see {@link variableBaseName}).
   */
  name: string;
  /** The variable itself: its values are the weights as they stand when the pruning is asked for masks. */
  variable: tf.Variable;
}

/** What a pruning is told when it is created, before any training. */
export interface PruningContext {
  /** The model's trainable variables, in the model's order; the pruning chooses which it prunes. */
  variables: readonly PrunableVariable[];
  /** The model's kind (`mlp`, `cnn`, ...), for messages. */
  modelKind: string;
  /** Epochs of the stage the pruning belongs to. */
  epochs: number;
  /** Seed for any randomness of the pruning. */
  seed: number;
}

/** Where a stage stands when its pruning is asked for masks. */
export interface PruningProgress {
  /**
   * Steps of the stage done so far: 0 before the stage's first step, then `1, 2, ...` after each step,
   * up to {@link PruningProgress.stageSteps} after its last one.
   */
  step: number;
  /** Steps in the stage (its epochs times the steps of an epoch). */
  stageSteps: number;
  /** Steps in one epoch. */
  stepsPerEpoch: number;
}

/**
 * A created pruning: the variables it prunes and, as the stage goes on, their masks.
 *
 * The trainer asks {@link PruningInstance.update} for masks before the stage's first step and after
 * every step. The masks in force multiply their variables after every optimizer step (after max-norm),
 * so that a pruned weight stays exactly 0; new masks are applied at once. Masks persist into later
 * stages until a later stage's pruning sets masks of its own for the same variables.
 */
export interface PruningInstance {
  /** The variables it prunes, in order: its masks are of their shapes, in the same order. */
  readonly variables: readonly tf.Variable[];
  /**
   * New masks at this point of the stage, or `undefined` to keep those in force. Masks are 0/1
   * float32 tensors, one per {@link PruningInstance.variables} entry and of its shape (0: pruned);
   * the trainer takes them over (and frees them). Called inside `tf.tidy`: every other tensor made
   * here is freed.
   */
  update(progress: PruningProgress): tf.Tensor[] | undefined;
  /**
   * The pruning's own state beyond the masks (which checkpoints hold anyway), for a pruning whose
   * next masks depend on more than the weights and the step (a random generator's position). A
   * checkpoint stores it at the end of an epoch; a resumed training restores it with
   * {@link PruningInstance.restoreState}. Absent for a pruning without such state.
   */
  saveState?(): PruningState;
  /** Restores a state {@link PruningInstance.saveState} returned (of an instance created with the same options and context). */
  restoreState?(state: PruningState): void;
  /** Frees what the pruning holds (not the model's variables). */
  dispose?(): void;
}

/** A pruning's saved state (see {@link PruningInstance.saveState}): numbers and float arrays, by name. */
export interface PruningState {
  /** Scalar state by name; null for a value not set yet. */
  values: Record<string, number | null>;
  /** Array state by name. */
  arrays: Record<string, Float32Array>;
}

/**
 * A pruning plugin: an id, an options schema, and a factory.
 *
 * @typeParam Id - the literal id used in experiment files (`prune: { kind: 'magnitude', ... }`).
 * @typeParam Schema - the zod schema of its options (without `kind`).
 */
export interface PruningDefinition<Id extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** The id used in experiment files. */
  readonly id: Id;
  /** One line saying what the pruning does. */
  readonly description: string;
  /** The paper or source it follows. */
  readonly reference?: string;
  /** The options schema: types, defaults and error messages in one place. */
  readonly options: Schema;
  /**
   * Creates the pruning of one stage of one training. Checks its options against the model here
   * (before any training): a problem with one option is best thrown as a `FieldError` whose field is
   * the option's name (`endEpoch`), which kdlab prefixes with the stage's path (`stages.1.prune.endEpoch`).
   */
  create(options: z.output<Schema>, context: PruningContext): PruningInstance;
}

/** Declares a pruning plugin; the identity function, there for type inference. */
export function definePruning<Id extends string, Schema extends z.ZodType>(
  definition: PruningDefinition<Id, Schema>,
): PruningDefinition<Id, Schema> {
  return definition;
}

/** A stage's pruning as written in an experiment: the plugin's id and its options. */
export type PruneSpec<Id extends string = string, Options = Record<string, unknown>> = {
  /** The pruning plugin's id. */
  kind: Id;
} & Options &
  HelperMadeSpec;

/**
 * Makes the typed experiment helper of a pruning plugin, e.g. `magnitudePrune({ sparsity: 0.9 })`.
 * The helper returns plain JSON data, validated against the plugin's schema when the experiment is resolved.
 */
export function pruningHelper<Id extends string, Schema extends z.ZodType>(
  definition: PruningDefinition<Id, Schema>,
): (options: z.input<Schema>) => PruneSpec<Id, z.input<Schema>> {
  return (options) => ({ kind: definition.id, ...(options as object) }) as PruneSpec<Id, z.input<Schema>>;
}

/**
 * A variable's name without the `_<n>` suffix tfjs appends to make names unique across the models of
 * a process (`hidden1/kernel_3` is `hidden1/kernel`).
 */
export function variableBaseName(name: string): string {
  return name.replace(/_\d+$/, '');
}
