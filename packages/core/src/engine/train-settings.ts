import { z } from 'zod';
import { augmentationSchema } from '../data/augment/augmentation.js';
import { learningRateScheduleSchema } from './learning-rate-schedule.js';

/** Adam (Kingma and Ba, 2015). */
export const adamSchema = z.object({
  /** Selects Adam. */
  kind: z.literal('adam'),
  /** Step size. Default 1e-3. */
  learningRate: z.number().positive().default(1e-3),
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1: z.number().min(0).lt(1).default(0.9),
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2: z.number().min(0).lt(1).default(0.999),
  /** Added to the denominator for stability. Default 1e-7 (TensorFlow's). */
  epsilon: z.number().positive().default(1e-7),
});

/** Stochastic gradient descent with (optionally Nesterov) momentum. */
export const sgdSchema = z.object({
  /** Selects SGD. */
  kind: z.literal('sgd'),
  /** Step size. Default 0.1. */
  learningRate: z.number().positive().default(0.1),
  /** Momentum; 0 for plain SGD. Default 0.9. */
  momentum: z.number().min(0).lt(1).default(0.9),
  /** Nesterov momentum. Default false. */
  nesterov: z.boolean().default(false),
});

/** The optimizer of a training stage. */
export const optimizerSchema = z.discriminatedUnion('kind', [adamSchema, sgdSchema]);

/** How one model is trained: the budget and the optimizer. */
export const trainSettingsSchema = z
  .object({
    /** Passes over the training set. Default 10. */
    epochs: z.number().int().positive().default(10),
    /** Examples per step. Default 128. */
    batchSize: z.number().int().positive().default(128),
    /** The optimizer and its hyper-parameters. Default Adam with its defaults. */
    optimizer: optimizerSchema.prefault({ kind: 'adam' }),
    /** L2 penalty `weightDecay/2 * sum(w^2)` over kernels (not biases), added to the loss. Default 0. */
    weightDecay: z.number().min(0).default(0),
    /** How the learning rate changes over each stage, stepped per batch. Default: constant. */
    schedule: learningRateScheduleSchema.optional(),
    /** Max-norm constraint: each unit's incoming weights are scaled to an L2 norm of at most this after every step. Default: none. */
    maxNorm: z.number().positive().optional(),
    /** Augmentation of the training batches (e.g. `{ translate: 2 }`: jitter by up to 2 pixels). Default: none. */
    augment: augmentationSchema.optional(),
  })
  .strict();

/** Optimizer settings after defaults. */
export type OptimizerSettings = z.output<typeof optimizerSchema>;
/** Training settings after defaults. */
export type TrainSettings = z.output<typeof trainSettingsSchema>;
/** Training settings as written (every field optional). */
export type TrainSettingsInput = z.input<typeof trainSettingsSchema>;

/**
 * Settings that override another stage's (e.g. the teacher's `train`): the same fields, none
 * defaulted, so that what is not written is inherited.
 */
export const trainSettingsOverrideSchema = z
  .object({
    /** Passes over the training set. */
    epochs: z.number().int().positive().optional(),
    /** Examples per step. */
    batchSize: z.number().int().positive().optional(),
    /** The optimizer and its hyper-parameters. */
    optimizer: optimizerSchema.optional(),
    /** L2 penalty over kernels. */
    weightDecay: z.number().min(0).optional(),
    /** How the learning rate changes over the stage. */
    schedule: learningRateScheduleSchema.optional(),
    /** Max-norm constraint on each unit's incoming weights. */
    maxNorm: z.number().positive().optional(),
    /** Augmentation of the training batches. */
    augment: augmentationSchema.optional(),
  })
  .strict();
