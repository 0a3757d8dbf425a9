import { z } from 'zod';
import { optimizerSchema, trainSettingsOverrideSchema, trainSettingsSchema } from '../engine/train-settings.js';
import { weightScheduleSchema } from '../engine/weight-schedule.js';
import { biasShiftSchema } from '../engine/bias-shift.js';
import { transferSetSchema } from '../data/transfer/transfer-set.js';
import { mlmPretrainSchema } from '../engine/pretrain/pretrain-settings.js';

/** A model as written in an experiment: `{ kind: 'mlp', ...options }`; options are checked by the plugin. */
export const modelSpecSchema = z.looseObject({
  /** The model plugin's id. */
  kind: z.string().min(1),
});

/** A stage's pruning as written: `{ kind: 'magnitude', sparsity: 0.9, ...options }`; options are checked by the plugin. */
export const pruneSpecSchema = z.looseObject({
  /** The pruning plugin's id. */
  kind: z.string().min(1),
});

/** A loss term as written: `{ kind: 'hinton', weight: 0.7, ...options }`; options are checked by the plugin. */
export const lossTermSchema = z.looseObject({
  /** The loss plugin's id. */
  kind: z.string().min(1),
  /** The term's weight: a constant or a schedule. Default 1. */
  weight: weightScheduleSchema.default(1),
});

/** Fractions of a dataset for train / validation / test. */
export const splitSchema = z
  .object({
    /** Fraction for training. Default 0.8. */
    train: z.number().gt(0).lt(1).default(0.8),
    /** Fraction for validation (model selection). Default 0.1. */
    val: z.number().min(0).lt(1).default(0.1),
    /** Fraction for testing. Default 0.1. */
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
    /** The students' transfer set: which training examples the baseline and distilled students see (the teacher sees all). */
    transfer: transferSetSchema.optional(),
  })
  .strict();

/** What is measured after training, beyond the standard test metrics. */
export const evaluateSchema = z
  .object({
    /** Shift some classes' output biases by an amount chosen on validation (students only). */
    biasShift: biasShiftSchema.optional(),
    /**
     * Also save every trained model (teacher, baseline, distilled) with its float32 weights quantized
     * to each of these storage types, in the TensorFlow.js weights format, and measure each save's
     * bytes on disk and test accuracy after loading it back with `tf.loadLayersModel`. Optional
     * without a default, so that experiments without it keep their config hash.
     */
    quantize: z
      .array(z.enum(['uint8', 'float16']))
      .min(1)
      .refine((dtypes) => new Set(dtypes).size === dtypes.length, 'each storage type at most once')
      .optional(),
  })
  .strict();

/** One trained teacher: its model, settings that override the experiment's `train`, and its own seed. */
export const singleTeacherSchema = z
  .object({
    /** The teacher's model. */
    model: modelSpecSchema,
    /** Settings that override the experiment's `train` for this teacher. */
    train: trainSettingsOverrideSchema.optional(),
    /**
     * Masked-language-model pre-training before the training on labels (BERT), with its own epochs
     * and rates. Optional without a default, so that experiments without it keep their config hash.
     */
    pretrain: mlmPretrainSchema.optional(),
    /** Seed of this teacher's initialisation and batch order (default: derived from the experiment seed). */
    seed: z.number().int().min(0).optional(),
  })
  .strict();

/** How an ensemble's members are combined into one teacher signal. */
export const ensembleCombineSchema = z.union([
  z.literal('mean-logits'),
  z.literal('mean-probs'),
  z
    .object({
      /** One non-negative weight per teacher (normalised to sum to 1). */
      weights: z.array(z.number().min(0)).min(2),
    })
    .strict(),
]);

/** Several teachers (architectures may differ) distilled as one: averaged logits by default. */
export const ensembleTeacherSchema = z
  .object({
    /** The members. */
    ensemble: z.array(singleTeacherSchema).min(2, 'an ensemble needs at least two teachers'),
    /** How their logits are combined. Default `mean-logits`. */
    combine: ensembleCombineSchema.default('mean-logits'),
    /** Settings shared by the members (each member's own `train` overrides them). */
    train: trainSettingsOverrideSchema.optional(),
  })
  .strict()
  .refine((t) => typeof t.combine === 'string' || t.combine.weights.length === t.ensemble.length, {
    message: 'combine.weights needs one weight per teacher',
    path: ['combine', 'weights'],
  });

/** The teacher: one model, or an ensemble. */
export const teacherSchema = z.union([singleTeacherSchema, ensembleTeacherSchema]);

/** The student: its model, and optionally weights copied from the teacher before training. */
export const studentSchema = z
  .object({
    /** The student's model. */
    model: modelSpecSchema,
    /**
     * Weights copied from the (single) teacher before training: `every-other-layer` (DistilBERT: a
     * student with half the teacher's layers, where the family supports it) or `copy` (every weight,
     * for a student of the teacher's very architecture: to prune or fine-tune the trained teacher itself).
     */
    init: z
      .object({
        /** Which teacher weights the student takes. */
        fromTeacher: z.enum(['every-other-layer', 'copy']),
      })
      .strict()
      .optional(),
  })
  .strict();

/** One stage of the distilled student's training (FitNets: stage 1 hints, stage 2 KD). */
export const stageSchema = z
  .object({
    /** A name for logs (`hints`, `kd`). */
    name: z.string().min(1).optional(),
    /** Epochs of this stage. */
    epochs: z.number().int().positive(),
    /** Loss terms of this stage. */
    losses: z.array(lossTermSchema).min(1, 'at least one loss term'),
    /** Optimizer of this stage (default: the experiment's `train.optimizer`); a fresh one per stage. */
    optimizer: optimizerSchema.optional(),
    /** Train only the student's variables up to this tap (plus the losses' own variables, e.g. a regressor). */
    trainable: z
      .object({
        /** The student tap up to which variables train. */
        upTo: z.string().min(1),
      })
      .strict()
      .optional(),
    /**
     * Prune the student in this stage (`{ kind: 'magnitude', sparsity: 0.9 }`); its masks stay in force
     * in later stages. Optional without a default, so that experiments without it keep their config hash.
     */
    prune: pruneSpecSchema.optional(),
  })
  .strict();

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
    /** Which data, and how it is split. */
    data: dataSchema.prefault({}),
    /** The teacher, or an ensemble of teachers. */
    teacher: teacherSchema,
    /** The student. */
    student: studentSchema,
    /** The distilled student's loss terms, each with an explicit weight (one stage of `train.epochs`). */
    losses: z.array(lossTermSchema).min(1, 'at least one loss term').optional(),
    /** The distilled student's stages, instead of `losses`. */
    stages: z.array(stageSchema).min(1, 'at least one stage').optional(),
    /** Budget and optimizer of the students (and of the teacher, unless `teacher.train` overrides). */
    train: trainSettingsSchema.prefault({}),
    /** Also train the same student on hard labels only, with the same budget, as the baseline. */
    baseline: z.boolean().default(true),
    /** Extra evaluation: of the students (a bias shift chosen on validation), of every trained model (quantized saves). */
    evaluate: evaluateSchema.optional(),
    /** Seed of the data split and the teacher(s), and of the students unless `studentSeed` is given. */
    seed: z.number().int().min(0).default(0),
    /** Seed of the students' initialisation, dropout masks and batch order (a sweep sets it from `seeds`). */
    studentSeed: z.number().int().min(0).optional(),
    /** A grid over config paths (`'losses.1.temperature': [1, 2, 4]`): one trial per combination and seed. */
    sweep: z.record(z.string().min(1), z.array(z.unknown()).min(1, 'a swept path needs at least one value')).optional(),
    /** Student seeds of a sweep: each combination runs once per seed, with the same split and teacher. */
    seeds: z.array(z.number().int().min(0)).min(1).optional(),
  })
  .strict()
  .refine((e) => (e.losses === undefined) !== (e.stages === undefined), {
    message: 'give either losses (one stage) or stages, not both and not neither',
    path: ['losses'],
  })
  .refine((e) => e.evaluate?.biasShift === undefined || e.evaluate.biasShift.classes !== undefined || e.data.transfer?.classes !== undefined || e.data.transfer?.omitClasses !== undefined, {
    message: 'name the classes to shift, or give a transfer set (data.transfer) that leaves classes out',
    path: ['evaluate', 'biasShift', 'classes'],
  });
