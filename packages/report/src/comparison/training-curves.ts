import type { StoredRun } from '../runs/stored-run.js';
import { sampleMean } from '../statistics/sample-mean.js';
import type { CurvePoint, TrainingCurve } from './comparison.js';

/**
 * The mean curve of a per-epoch metric over runs: at each epoch (step), the mean over the runs
 * that logged a finite value there (a run's last value at a step when it logged several).
 *
 * @param label - The curve's label.
 * @param kind - Whose runs they are.
 * @param runs - The runs (seeds).
 * @param metric - The per-epoch metric, e.g. `val/accuracy`.
 * @returns The curve, or `undefined` when no run logged the metric.
 */
export function meanTrainingCurve(label: string, kind: TrainingCurve['kind'], runs: readonly StoredRun[], metric: string): TrainingCurve | undefined {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs) {
    const lastAtStep = new Map<number, { value: number; timestamp: number }>();
    for (const point of run.metrics[metric] ?? []) {
      const kept = lastAtStep.get(point.step);
      if (kept === undefined || point.timestamp >= kept.timestamp) lastAtStep.set(point.step, point);
    }
    for (const [step, point] of lastAtStep) {
      if (!Number.isFinite(point.value)) continue;
      const values = byEpoch.get(step) ?? [];
      values.push(point.value);
      byEpoch.set(step, values);
    }
  }
  if (byEpoch.size === 0) return undefined;
  const points: CurvePoint[] = [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([epoch, values]) => ({ epoch, mean: sampleMean(values), n: values.length }));
  return { label, kind, points };
}
