import { z } from 'zod';
import { trainSettingsOverrideSchema, trainSettingsSchema } from '../engine/train-settings.js';

/** A model as written in an experiment: `{ kind: 'mlp', ...options }`; options are checked by the plugin. */
export const modelSpecSchema = z.looseObject({ kind: z.string().min(1) });

/** A loss term as written: `{ kind: 'hinton', weight: 0.7, ...options }`; options are checked by the plugin. */
export const lossTermSchema = z.looseObject({
  kind: z.string().min(1),
  weight: z.number().min(0).default(1),
});

/** Fractions of a dataset for train / validation / test. */
export const splitSchema = z
  .object({
    train: z.number().gt(0).lt(1).default(0.8),
    val: z.number().min(0).lt(1).default(0.1),
    test: z.number().gt(0).lt(1).default(0.1),
  })
  .strict()
  .refine((split) => Math.abs(split.train + split.val + split.test - 1) < 1e-9, {
    message: 'train + val + test must sum to 1',
  });

/** Which data an experiment uses. */
export const dataSchema = z
  .object({
    /** Dataset plugin id. */
    dataset: z.string().min(1).default('mnist-10k'),
    /** Split fractions (for datasets with a canonical test set, `val` is carved from the training set). */
    split: splitSchema.prefault({}),
    /** Keep at most this many training examples (stratified), for quick runs. */
    limitTrain: z.number().int().positive().optional(),
  })
  .strict();

/** The teacher: its model and, optionally, settings that override the experiment's `train` for it. */
export const teacherSchema = z
  .object({
    model: modelSpecSchema,
    train: trainSettingsOverrideSchema.optional(),
  })
  .strict();

/** The student: its model. */
export const studentSchema = z.object({ model: modelSpecSchema }).strict();

/**
 * The experiment schema: plain, JSON-serialisable data. Loss and model options are validated
 * in a second pass against the plugins' own schemas (see `resolveExperiment`).
 */
export const experimentSchema = z
  .object({
    /** The study's name: the MLflow experiment its runs go to. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_\-. ]*$/, 'letters, digits, _ - . and spaces, starting with a letter or digit'),
    /** What the study is about (Markdown); stored as each run's description. */
    description: z.string().optional(),
    data: dataSchema.prefault({}),
    teacher: teacherSchema,
    student: studentSchema,
    /** The distilled student's loss terms, each with an explicit weight. */
    losses: z.array(lossTermSchema).min(1, 'at least one loss term'),
    /** Budget and optimizer of the students (and of the teacher, unless `teacher.train` overrides). */
    train: trainSettingsSchema.prefault({}),
    /** Also train the same student on hard labels only, with the same budget, as the baseline. */
    baseline: z.boolean().default(true),
    /** Seed of the split, of every initialisation, dropout mask and batch order. */
    seed: z.number().int().min(0).default(0),
  })
  .strict();
