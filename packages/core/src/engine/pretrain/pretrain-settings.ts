import { z } from 'zod';
import { learningRateScheduleSchema } from '../learning-rate-schedule.js';
import { optimizerSchema, type TrainSettings } from '../train-settings.js';

/**
 * Masked-language-model pre-training of a teacher (BERT, Devlin et al. 2019), before it is trained
 * on the labels: `teacher: { model, pretrain: { objective: 'mlm', epochs: 10 }, train: {...} }`.
 * Needs a dataset of token ids that gives its vocabulary (`spam-assassin`) and a model with token
 * states (the `transformer` with token ids).
 */
export const mlmPretrainSchema = z
  .object({
    /** Selects masked-language modelling. */
    objective: z.literal('mlm'),
    /** Passes over the training rows. */
    epochs: z.number().int().positive(),
    /** Each token that is not `[PAD]`, `[CLS]`, `[SEP]` or `[MASK]` is chosen for prediction with this probability. Default 0.15 (BERT). */
    maskRate: z.number().gt(0).lt(1).default(0.15),
    /** A chosen token becomes `[MASK]` with this probability. Default 0.8 (BERT). */
    maskTokenRate: z.number().min(0).max(1).default(0.8),
    /** A chosen token becomes a random regular token with this probability (else it stays). Default 0.1 (BERT). */
    randomTokenRate: z.number().min(0).max(1).default(0.1),
    /** Examples per step. Default: the teacher's `train.batchSize`. */
    batchSize: z.number().int().positive().optional(),
    /** The optimizer (a fresh one). Default: the teacher's `train.optimizer`. */
    optimizer: optimizerSchema.optional(),
    /** L2 penalty over kernels (the head's included). Default 0. */
    weightDecay: z.number().min(0).optional(),
    /** How the learning rate changes over the pre-training, stepped per batch. Default: constant. */
    schedule: learningRateScheduleSchema.optional(),
  })
  .strict()
  .refine((settings) => settings.maskTokenRate + settings.randomTokenRate <= 1, {
    path: ['randomTokenRate'],
    message: 'maskTokenRate + randomTokenRate must be at most 1 (the chosen tokens left are kept as they are)',
  });

/** Pre-training settings as written. */
export type PretrainInput = z.input<typeof mlmPretrainSchema>;

/** Pre-training settings after defaults, with complete training settings (see {@link resolvePretrain}). */
export interface ResolvedPretrain {
  /** `mlm`. */
  objective: 'mlm';
  /** The probability a token is chosen. */
  maskRate: number;
  /** The probability a chosen token becomes `[MASK]`. */
  maskTokenRate: number;
  /** The probability a chosen token becomes a random token. */
  randomTokenRate: number;
  /** Epochs, batch size, optimizer, weight decay and schedule (no augmentation, no max-norm). */
  train: TrainSettings;
}

/**
 * Completes parsed pre-training settings: `batchSize` and `optimizer` from the teacher's training
 * settings when not given; `weightDecay` 0 and a constant rate when not given (a teacher's decay and
 * schedule are tuned for its labels); never augmentation or max-norm.
 *
 * @param settings - the parsed `teacher.pretrain`.
 * @param teacher - the teacher's complete training settings.
 */
export function resolvePretrain(settings: z.output<typeof mlmPretrainSchema>, teacher: TrainSettings): ResolvedPretrain {
  const { objective, maskRate, maskTokenRate, randomTokenRate, epochs } = settings;
  const train: TrainSettings = {
    epochs,
    batchSize: settings.batchSize ?? teacher.batchSize,
    optimizer: settings.optimizer ?? teacher.optimizer,
    weightDecay: settings.weightDecay ?? 0,
    ...(settings.schedule !== undefined ? { schedule: settings.schedule } : {}),
  };
  return { objective, maskRate, maskTokenRate, randomTokenRate, train };
}
