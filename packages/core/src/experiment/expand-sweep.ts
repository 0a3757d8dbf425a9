import { applyOverrides } from './apply-overrides.js';

/** One trial of a sweep: the swept values, its seed, and the experiment with both applied. */
export interface SweepTrial {
  /** 0-based index in the sweep's order (seeds vary fastest). */
  index: number;
  /** The swept path -> value of this trial, in the order the sweep declares them. */
  values: Record<string, unknown>;
  /** The trial's student seed. */
  seed: number;
  /** The experiment of this trial: the sweep's values and `studentSeed` applied, `sweep` and `seeds` removed. */
  experiment: Record<string, unknown>;
}

/** Describes a trial for messages: `losses.1.temperature=8, seed=2`. */
export function describeTrial(trial: Pick<SweepTrial, 'values' | 'seed'>): string {
  return [...Object.entries(trial.values).map(([path, value]) => `${path}=${JSON.stringify(value)}`), `seed=${trial.seed}`].join(', ');
}

/**
 * Expands an experiment (as written, before validation) into its trials: the Cartesian product of the
 * `sweep` grid, each run once per student seed of `seeds` (or `studentSeed`, or `seed`). The data split
 * and the teacher keep the experiment's `seed`, so one teacher serves every student seed: the trials of
 * a seed differ only in the students' initialisation, dropout masks and batch order. An experiment
 * without a sweep and without `seeds` is one trial. Values are applied as `--set` overrides are, so any config path can
 * be swept (`student.model.hidden`, `losses.1.temperature`, `train.optimizer.learningRate`).
 */
export function expandSweep(raw: unknown): SweepTrial[] {
  if (typeof raw !== 'object' || raw === null) return [{ index: 0, values: {}, seed: 0, experiment: raw as Record<string, unknown> }];
  const { sweep, seeds, ...base } = raw as { sweep?: Record<string, unknown[]>; seeds?: number[]; seed?: number; studentSeed?: number };
  const grid = Object.entries(sweep ?? {});
  const seedList = seeds ?? [base.studentSeed ?? base.seed ?? 0];
  const combinations: Record<string, unknown>[] = [{}];
  for (const [path, values] of grid) {
    const next: Record<string, unknown>[] = [];
    for (const combination of combinations) for (const value of values) next.push({ ...combination, [path]: value });
    combinations.splice(0, combinations.length, ...next);
  }
  const trials: SweepTrial[] = [];
  for (const values of combinations) {
    for (const seed of seedList) {
      const overridden = applyValues(base, values);
      trials.push({ index: trials.length, values, seed, experiment: seeds ? { ...overridden, studentSeed: seed } : overridden });
    }
  }
  return trials;
}

function applyValues(base: object, values: Record<string, unknown>): Record<string, unknown> {
  let out = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(values)) {
    out = applyOverrides(out, [`${path}=${JSON.stringify(value)}`]);
  }
  return out;
}

/** Whether an experiment as written declares a sweep or several seeds. */
export function isSweep(raw: unknown): boolean {
  const { sweep, seeds } = (raw ?? {}) as { sweep?: object; seeds?: unknown[] };
  return (sweep !== undefined && Object.keys(sweep).length > 0) || (seeds !== undefined && seeds.length > 1);
}
