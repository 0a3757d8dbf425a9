import type { SweepResult } from '../sweep/run-sweeps.js';
import { fixed, markdownTable, mebibytes } from './markdown.js';
import { formatRatio, formatSpread, median, pairedRatio, spread, type RatioInterval } from './stats.js';

/** One contender's sweeps over the rounds, in round order (a failed round is `undefined`). */
export interface SweepSeries {
  /** The first result (for the contender and its label). */
  first: SweepResult;
  /** Every result of the contender, in the order run. */
  results: SweepResult[];
}

/** The sweeps grouped by contender, in the order they first ran. */
export function sweepSeries(results: readonly SweepResult[]): SweepSeries[] {
  const series = new Map<string, SweepSeries>();
  for (const result of results) {
    const current = series.get(result.contender.label);
    if (current === undefined) series.set(result.contender.label, { first: result, results: [result] });
    else current.results.push(result);
  }
  return [...series.values()];
}

/** A figure of each round, by round index (NaN where the round failed or did not run). */
function byRound(series: SweepSeries, figure: (result: SweepResult) => number | undefined): number[] {
  const values: number[] = [];
  series.results.forEach((result, index) => {
    values[result.round ?? index] = result.error === undefined ? (figure(result) ?? Number.NaN) : Number.NaN;
  });
  return Array.from(values, (value) => value ?? Number.NaN);
}

const KIB_TO_MIB = 1 / 1024;

/** The sweep table: per contender, wall time and memory as median (min-max) over rounds, accuracies as medians. */
export function sweepTable(results: readonly SweepResult[]): string {
  const rows = sweepSeries(results).map((series) => {
    const ok = series.results.filter((result) => result.error === undefined);
    const failed = series.results.find((result) => result.error !== undefined);
    return [
      series.first.contender.label,
      ok.length === 0 ? `failed: ${failed?.error ?? 'no result'}` : formatSpread(spread(ok.map((result) => result.seconds ?? Number.NaN))),
      formatSpread(spread(ok.map((result) => (result.peakTreeKb ?? Number.NaN) * KIB_TO_MIB)), 0),
      mebibytes(median(ok.map((result) => result.peakProcessKb ?? Number.NaN))),
      formatSpread(spread(ok.map((result) => (result.peakTreePssKb ?? Number.NaN) * KIB_TO_MIB)), 0),
      fixed(median(ok.map((result) => result.teacherAccuracy ?? Number.NaN)), 3),
      fixed(median(ok.map((result) => result.meanDistilledAccuracy ?? Number.NaN)), 3),
      `${ok.length}${failed !== undefined && ok.length > 0 ? ` (${series.results.length - ok.length} failed)` : ''}`,
    ];
  });
  return markdownTable(
    ['sweep', 'wall s: median (min-max)', 'peak RSS MiB, all processes: median (min-max)', 'peak RSS MiB, largest process (median)', 'peak PSS MiB, all processes (shared pages once): median (min-max)', 'teacher test acc', 'mean distilled test acc', 'rounds'],
    rows,
    [5, 6, 7],
  );
}

/** A kdlab sweep's wall time over a peer's, round by round. */
export function sweepTimeRatio(kdlab: SweepSeries, peer: SweepSeries): RatioInterval | undefined {
  return pairedRatio(byRound(kdlab, (result) => result.seconds), byRound(peer, (result) => result.seconds));
}

/** A kdlab sweep's peak memory (all processes) over a peer's, round by round. */
export function sweepMemoryRatio(kdlab: SweepSeries, peer: SweepSeries): RatioInterval | undefined {
  return pairedRatio(byRound(kdlab, (result) => result.peakTreeKb), byRound(peer, (result) => result.peakTreeKb));
}

/** The same with the summed proportional set sizes (a page shared by the workers counted once). */
export function sweepPssRatio(kdlab: SweepSeries, peer: SweepSeries): RatioInterval | undefined {
  return pairedRatio(byRound(kdlab, (result) => result.peakTreePssKb), byRound(peer, (result) => result.peakTreePssKb));
}

/** The sweep ratios: each kdlab sweep against each peer's, wall time and memory, median of the per-round ratios [95% interval]. */
export function sweepRatioTable(results: readonly SweepResult[]): string {
  const series = sweepSeries(results);
  const rows: string[][] = [];
  for (const kdlab of series.filter((item) => item.first.contender.framework === 'kdlab')) {
    for (const peer of series.filter((item) => item.first.contender.framework === 'peer')) {
      rows.push([kdlab.first.contender.label, peer.first.contender.label, formatRatio(sweepTimeRatio(kdlab, peer)), formatRatio(sweepMemoryRatio(kdlab, peer)), formatRatio(sweepPssRatio(kdlab, peer))]);
    }
  }
  return markdownTable(['kdlab', 'peer', 'wall time kdlab / peer: median [95% interval]', 'peak RSS (all processes) kdlab / peer', 'peak PSS (all processes, shared pages once) kdlab / peer'], rows);
}
