import type { StoredRun } from '@kdlab/report';
import { studentSeedOf } from './study-runs.js';

/** A value per student seed, from runs (the last run of a seed wins, which a resumed study never has twice). */
export function bySeed(runs: readonly StoredRun[], value: (run: StoredRun) => number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const run of [...runs].sort((a, b) => a.startTime - b.startTime)) {
    const v = value(run);
    if (v !== undefined) out.set(studentSeedOf(run), v);
  }
  return out;
}

/** The values of a per-seed map, in seed order. */
export function values(map: ReadonlyMap<number, number>): number[] {
  return [...map].sort(([a], [b]) => a - b).map(([, v]) => v);
}
