import type { z } from 'zod';
import type { ensembleTeacherSchema, experimentSchema, singleTeacherSchema, stageSchema, studentSchema } from './experiment-schema.js';
import type { LossTermInput, ModelSpecInput } from './known-plugins.js';
import type { PruneSpecInput } from '../prune/known-prunings.js';

/** One teacher as written: its model, optional training overrides and seed. */
export type TeacherMemberInput = Omit<z.input<typeof singleTeacherSchema>, 'model'> & {
  /** The teacher's model. */
  model: ModelSpecInput;
};

/** The teacher as written: one model, or an ensemble. */
export type TeacherInput =
  | TeacherMemberInput
  | (Omit<z.input<typeof ensembleTeacherSchema>, 'ensemble'> & {
      /** The members. */
      ensemble: TeacherMemberInput[];
    });

/** A training stage as written. */
export type StageInput = Omit<z.input<typeof stageSchema>, 'losses' | 'prune'> & {
  /** The stage's loss terms. */
  losses: LossTermInput[];
  /** The stage's pruning of the student (`magnitudePrune({ sparsity: 0.9 })`), when it prunes. */
  prune?: PruneSpecInput;
};

/**
 * An experiment as written in `experiments/*.ts`: plain, JSON-serialisable, typed data. Models and
 * loss terms must be known plugins' (see `KnownLosses`) or made by a plugin's helper, so an unknown
 * id or a wrongly typed option is a compile error.
 */
export type ExperimentDefinition = Omit<z.input<typeof experimentSchema>, 'teacher' | 'student' | 'losses' | 'stages'> & {
  /** The teacher, or an ensemble of teachers. */
  teacher: TeacherInput;
  /** The student. */
  student: Omit<z.input<typeof studentSchema>, 'model'> & {
    /** The student's model. */
    model: ModelSpecInput;
  };
  /** The distilled student's loss terms (one stage of `train.epochs`). */
  losses?: LossTermInput[];
  /** The distilled student's stages, instead of `losses`. */
  stages?: StageInput[];
};

/**
 * Declares an experiment. Returns its argument unchanged: the function exists for completion and
 * type errors in the editor. The file's default export is what `kdlab run` loads; it is validated
 * (the plugins' options included) before anything trains.
 *
 * @example
 * ```ts
 * export default defineExperiment({
 *   name: 'hinton-mnist',
 *   teacher: { model: mlp({ hidden: [1200, 1200], dropout: 0.5 }) },
 *   student: { model: mlp({ hidden: [800, 800] }) },
 *   losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })],
 * });
 * ```
 */
export function defineExperiment(experiment: ExperimentDefinition): ExperimentDefinition {
  // Not generic on purpose: a generic parameter would turn off excess-property checks, and a
  // misspelt option in a raw spec would then compile.
  return experiment;
}
