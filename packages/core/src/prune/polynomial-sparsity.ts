/** The steps and sparsities of a gradual (polynomial) pruning schedule, in a stage's steps. */
export interface PolynomialSchedule {
  /** Sparsity at the first pruning step, `s_i`. */
  initialSparsity: number;
  /** Sparsity from the last pruning step on, `s_f`. */
  finalSparsity: number;
  /** The first pruning step, `t_0` (steps of the stage done). */
  beginStep: number;
  /** The last pruning step, `t_0 + nΔt` (steps of the stage done). */
  endStep: number;
  /** Steps between pruning steps, `Δt`. */
  frequency: number;
}

/**
 * Zhu & Gupta's (2017) gradual sparsity at step `t`:
 * `s_t = s_f + (s_i − s_f) · (1 − (t − t_0) / (t_end − t_0))³`, with the fraction clamped to [0, 1]
 * (so exactly `s_i` up to `t_0` and exactly `s_f` from `t_end` on; `s_f` at once when `t_end = t_0`).
 */
export function polynomialSparsity(step: number, schedule: PolynomialSchedule): number {
  const { initialSparsity, finalSparsity, beginStep, endStep } = schedule;
  const span = endStep - beginStep;
  const progress = span > 0 ? (step - beginStep) / span : step >= beginStep ? 1 : 0;
  if (progress <= 0) return initialSparsity;
  if (progress >= 1) return finalSparsity;
  return finalSparsity + (initialSparsity - finalSparsity) * (1 - progress) ** 3;
}

/**
 * Whether the masks are recomputed after `step` steps: at `t_0`, every `Δt` steps after it, and at
 * `t_end` itself (so the final sparsity is reached even when `t_end − t_0` is not a multiple of `Δt`);
 * never outside `[t_0, t_end]`.
 */
export function isPruningStep(step: number, schedule: PolynomialSchedule): boolean {
  const { beginStep, endStep, frequency } = schedule;
  if (step < beginStep || step > endStep) return false;
  return step === endStep || (step - beginStep) % frequency === 0;
}
