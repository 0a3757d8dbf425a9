import { z } from 'zod';

/** The learning rate stays at the optimizer's `learningRate` for the whole stage. */
export const constantScheduleSchema = z
  .object({
    /** Selects the constant schedule. */
    kind: z.literal('constant'),
  })
  .strict();

/**
 * Cosine annealing (Loshchilov and Hutter, 2017, without restarts), stepped per batch: after an
 * optional linear warm-up, the rate falls from the optimizer's `learningRate` to `final` times it,
 * along half a cosine, over the stage's remaining steps.
 */
export const cosineScheduleSchema = z
  .object({
    /** Selects cosine annealing. */
    kind: z.literal('cosine'),
    /** Epochs of linear warm-up from 0 to the full rate, counted in steps. Default 0. */
    warmupEpochs: z.number().min(0).default(0),
    /** The last step's rate, as a fraction of the full rate. Default 0. */
    final: z.number().min(0).max(1).default(0),
  })
  .strict();

/** How the learning rate changes over a training stage. */
export const learningRateScheduleSchema = z.discriminatedUnion('kind', [constantScheduleSchema, cosineScheduleSchema]);

/** A learning-rate schedule after defaults. */
export type LearningRateSchedule = z.output<typeof learningRateScheduleSchema>;

/**
 * The learning rate of one step.
 *
 * @param schedule - the stage's schedule (`undefined`: constant).
 * @param baseRate - the optimizer's `learningRate`.
 * @param step - the 0-based step within the stage.
 * @param stepsPerEpoch - steps in one epoch (to convert `warmupEpochs`).
 * @param totalSteps - steps in the whole stage.
 */
export function learningRateAt(schedule: LearningRateSchedule | undefined, baseRate: number, step: number, stepsPerEpoch: number, totalSteps: number): number {
  if (schedule === undefined || schedule.kind === 'constant') return baseRate;
  const warmupSteps = Math.min(totalSteps, Math.round(schedule.warmupEpochs * stepsPerEpoch));
  if (step < warmupSteps) return (baseRate * (step + 1)) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  const progress = decaySteps <= 1 ? 0 : (step - warmupSteps) / (decaySteps - 1);
  const floor = baseRate * schedule.final;
  return floor + (baseRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
