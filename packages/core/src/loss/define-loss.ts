import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { WeightSchedule } from '../engine/weight-schedule.js';
import type { HelperMadeSpec } from '../experiment/known-plugins.js';
import type { ModelOutput } from '../model/model.js';

/** Which inputs a loss needs, so the engine computes (and caches) only those. */
export interface LossNeeds {
  /** Needs the teacher's logits. */
  teacherLogits: boolean;
  /** Names of student feature taps it reads. */
  studentFeatures: string[];
  /** Names of teacher feature taps it reads. */
  teacherFeatures: string[];
}

/** What a loss is told when it is created, before any training. */
export interface LossContext {
  /** Number of classes. */
  numClasses: number;
  /** Shapes (without batch) of the student's feature taps. */
  studentFeatureShapes: Record<string, number[]>;
  /** Shapes (without batch) of the teacher's feature taps; empty without a teacher. */
  teacherFeatureShapes: Record<string, number[]>;
  /** Whether a teacher is present in this run. */
  hasTeacher: boolean;
  /** Number of teachers: the members' count for an ensemble; absent means one teacher when `hasTeacher`. */
  teacherCount?: number;
  /** Seed for any variables the loss creates (e.g. a FitNets regressor). */
  seed: number;
  /** Number of training examples (for losses that keep per-example state, e.g. CRD's memory bank). */
  trainSize: number;
}

/** The tensors a loss computes on, for one batch. */
export interface LossInputs {
  /** The student's outputs (with gradient). */
  student: ModelOutput;
  /** The teacher's outputs (no gradient flows into them); absent without a teacher. */
  teacher?: ModelOutput;
  /** Integer class labels, shape `[batch]`. */
  labels: tf.Tensor1D;
  /** The batch's example indices in the training split (for per-example state such as a memory bank). */
  indices: Int32Array;
  /** Whether this is a training step (`false` when a loss is evaluated on held-out data). */
  training: boolean;
}

/** A created loss: its own trainable variables and its computation. */
export interface LossInstance {
  /** Variables that belong to the loss (a regressor), trained alongside the student and counted apart from it. */
  readonly variables: tf.Variable[];
  /** The unweighted loss value for a batch, a scalar. */
  compute(inputs: LossInputs): tf.Scalar;
  /**
   * The loss's state beyond its {@link LossInstance.variables} (which checkpoints hold anyway): what
   * changes as it trains and decides what it computes next, such as a memory bank, a counter of
   * examples seen or a random generator's position. A checkpoint stores it at the end of an epoch;
   * a training resumed from that checkpoint restores it with {@link LossInstance.restoreState}, so
   * that the resumed run computes exactly what an uninterrupted one would. Absent for a loss whose
   * only state is its variables.
   */
  saveState?(): LossState;
  /** Restores a state {@link LossInstance.saveState} returned (of an instance created with the same options and context). */
  restoreState?(state: LossState): void;
  /** Frees the loss's variables. */
  dispose(): void;
}

/**
 * A loss's saved state (see {@link LossInstance.saveState}): numbers (finite or not, or null for
 * "not yet set") and float arrays, by name. Checkpoints store it as JSON plus raw arrays.
 */
export interface LossState {
  /** Scalar state by name: counters, normalisers, generator positions; null for a value not set yet. */
  values: Record<string, number | null>;
  /** Array state by name: memory banks. */
  arrays: Record<string, Float32Array>;
}

/**
 * A loss plugin: an id, an options schema, what it needs, and a factory.
 *
 * @typeParam Id - the literal id used in experiment files (`kind: 'hinton'`).
 * @typeParam Schema - the zod schema of its options (without `kind` and `weight`).
 */
export interface LossDefinition<Id extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** The id used in experiment files. */
  readonly id: Id;
  /** One line saying what the loss does. */
  readonly description: string;
  /** The paper or source it follows. */
  readonly reference?: string;
  /** The options schema: types, defaults and error messages in one place. */
  readonly options: Schema;
  /** What inputs the loss needs, given its parsed options. */
  needs(options: z.output<Schema>): LossNeeds;
  /**
   * Creates the loss for one run. Must check shapes here (before any training) and
   * throw an error naming both shapes and both layers when they cannot match.
   */
  create(options: z.output<Schema>, context: LossContext): LossInstance;
}

/** Declares a loss plugin; the identity function, there for type inference. */
export function defineLoss<Id extends string, Schema extends z.ZodType>(
  definition: LossDefinition<Id, Schema>,
): LossDefinition<Id, Schema> {
  return definition;
}

/** A loss term as written in an experiment: plugin id, its weight, and that plugin's options. */
export type LossTermSpec<Id extends string = string, Options = Record<string, unknown>> = {
  /** The loss plugin's id. */
  kind: Id;
  /** The term's weight in the total loss (a constant or a schedule); explicit, never a hidden `alpha`. Default 1. */
  weight?: WeightSchedule;
} & Options &
  HelperMadeSpec;

/** The options a helper takes: the schema's input (nothing for an empty schema), plus the term's weight. */
export type LossHelperOptions<Schema extends z.ZodType> = (z.input<Schema> extends Record<string, never> ? unknown : z.input<Schema>) & {
  /** The term's weight (a constant or a schedule). Default 1. */
  weight?: WeightSchedule;
};

/**
 * Makes the typed experiment helper of a loss plugin, e.g. `hinton({ temperature: 4, weight: 0.7 })`.
 * The helper returns plain JSON data, validated against the plugin's schema when the experiment is resolved.
 */
export function lossHelper<Id extends string, Schema extends z.ZodType>(
  definition: LossDefinition<Id, Schema>,
): (options?: LossHelperOptions<Schema>) => LossTermSpec<Id, z.input<Schema>> {
  return (options) => ({ kind: definition.id, ...(options as object) }) as LossTermSpec<Id, z.input<Schema>>;
}
