import type { LossInstance } from '../loss/define-loss.js';
import type { WeightSchedule } from './weight-schedule.js';

/** One created loss term of a training stage, with its weight. */
export interface WeightedTerm {
  /** The metric name of the term (`ce`, `hinton`, or `hinton_2` when a loss appears twice). */
  readonly name: string;
  /** The term's weight in the total loss: a constant or a schedule over its stage's epochs. */
  readonly weight: WeightSchedule;
  /** The created loss. */
  readonly loss: LossInstance;
}

/** Names terms after their loss ids, suffixing repeated ids with `_2`, `_3`, ... */
export function termNames(ids: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}_${n}`;
  });
}
