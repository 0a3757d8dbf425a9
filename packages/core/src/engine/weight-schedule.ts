import { z } from 'zod';

/** A loss weight that changes linearly from `from` (first epoch of the stage) to `to` (last epoch). */
export const linearWeightSchema = z
  .object({
    /** Selects the linear schedule. */
    schedule: z.literal('linear'),
    /** The weight in the stage's first epoch. */
    from: z.number().min(0),
    /** The weight in the stage's last epoch. */
    to: z.number().min(0),
  })
  .strict();

/** A loss term's weight: a constant, or a schedule over the stage's epochs. */
export const weightScheduleSchema = z.union([z.number().min(0), linearWeightSchema]);

/** A loss term's weight: a constant, or a schedule over the stage's epochs. */
export type WeightSchedule = z.output<typeof weightScheduleSchema>;

/**
 * A weight that decays (or grows) linearly over a stage, per epoch: FitNets decays the KD weight
 * from 4 to 1 with `linearDecay(4, 1)`.
 */
export function linearDecay(from: number, to: number): WeightSchedule {
  return { schedule: 'linear', from, to };
}

/**
 * The weight in effect during an epoch.
 * @param schedule - the term's weight.
 * @param epochIndex - 0-based epoch within the stage.
 * @param epochs - the stage's number of epochs.
 */
export function weightAt(schedule: WeightSchedule, epochIndex: number, epochs: number): number {
  if (typeof schedule === 'number') return schedule;
  if (epochs <= 1) return schedule.from;
  return schedule.from + ((schedule.to - schedule.from) * epochIndex) / (epochs - 1);
}
