import type { SweepResult } from '../sweep/run-sweeps.js';
import { fixed, markdownTable, mebibytes, ratio } from './markdown.js';

/** Each contender's fastest sweep (of several rounds). */
export function bestSweeps(results: readonly SweepResult[]): SweepResult[] {
  const best = new Map<string, SweepResult>();
  for (const result of results) {
    const current = best.get(result.contender.label);
    if (current === undefined || (result.seconds ?? Infinity) < (current.seconds ?? Infinity)) best.set(result.contender.label, result);
  }
  return [...best.values()];
}

/** The sweep table: wall time, memory and accuracy of each sweep, kdlab's against PyTorch's. */
export function sweepTable(results: readonly SweepResult[]): string {
  const reference = results.find((result) => result.contender.framework === 'pytorch' && result.seconds !== undefined);
  const rows = results.map((result) => [
    result.contender.label,
    result.error !== undefined ? `failed: ${result.error}` : fixed(result.seconds, 1),
    mebibytes(result.peakTreeKb),
    mebibytes(result.peakProcessKb),
    fixed(result.teacherAccuracy, 3),
    fixed(result.meanDistilledAccuracy, 3),
    result.contender.framework === 'kdlab' ? ratio(result.seconds, reference?.seconds) : '',
    result.contender.framework === 'kdlab' ? ratio(result.peakTreeKb, reference?.peakTreeKb) : '',
  ]);
  return markdownTable(
    ['sweep', 'wall s', 'peak RSS MiB (all processes)', 'peak RSS MiB (largest process)', 'teacher test acc', 'mean distilled test acc', 'time / PyTorch', 'memory / PyTorch'],
    rows,
    [1, 2, 3, 4, 5],
  );
}
