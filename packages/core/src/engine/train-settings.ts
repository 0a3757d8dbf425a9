import { z } from 'zod';

/** Adam (Kingma and Ba, 2015). */
export const adamSchema = z.object({
  kind: z.literal('adam'),
  learningRate: z.number().positive().default(1e-3),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-7),
});

/** Stochastic gradient descent with (optionally Nesterov) momentum. */
export const sgdSchema = z.object({
  kind: z.literal('sgd'),
  learningRate: z.number().positive().default(0.1),
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(false),
});

/** The optimizer of a training stage. */
export const optimizerSchema = z.discriminatedUnion('kind', [adamSchema, sgdSchema]);

/** How one model is trained: the budget and the optimizer. */
export const trainSettingsSchema = z
  .object({
    /** Passes over the training set. */
    epochs: z.number().int().positive().default(10),
    /** Examples per step. */
    batchSize: z.number().int().positive().default(128),
    /** The optimizer and its hyper-parameters. */
    optimizer: optimizerSchema.prefault({ kind: 'adam' }),
    /** L2 penalty `weightDecay/2 * sum(w^2)` over kernels (not biases), added to the loss. */
    weightDecay: z.number().min(0).default(0),
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
    epochs: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().optional(),
    optimizer: optimizerSchema.optional(),
    weightDecay: z.number().min(0).optional(),
  })
  .strict();
