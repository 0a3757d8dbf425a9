import type { StepWorkload } from '../steps/kdlab-workloads.js';
import { cpuSpread, samplesPerSecond, stepSpread, type ParticipantResult } from '../steps/run-steps.js';
import { fixed, markdownTable, mebibytes } from './markdown.js';
import { formatRatio, formatSpread, pairedRatio, type RatioInterval } from './stats.js';

/**
 * The peer results a kdlab result is compared with: those with the same thread count (kdlab wasm,
 * single-threaded: those with the fewest threads measured).
 */
export function peerReferences(result: ParticipantResult, all: readonly ParticipantResult[]): ParticipantResult[] {
  const peers = all.filter((other) => other.participant.framework === 'peer' && other.error === undefined);
  const threads = result.participant.backend === 'wasm' ? Math.min(...peers.map((other) => other.participant.threads)) : result.participant.threads;
  return peers.filter((other) => other.participant.threads === threads);
}

/** kdlab's speed over a peer's (samples/s), round by round: the peer's median step over kdlab's in each round both ran. */
export function speedRatio(kdlab: ParticipantResult, peer: ParticipantResult): RatioInterval | undefined {
  return pairedRatio(peer.roundMedians, kdlab.roundMedians);
}

/** kdlab's speed over a peer's by processor time per step, round by round. */
export function cpuSpeedRatio(kdlab: ParticipantResult, peer: ParticipantResult): RatioInterval | undefined {
  return kdlab.cpuRoundMedians === undefined || peer.cpuRoundMedians === undefined ? undefined : pairedRatio(peer.cpuRoundMedians, kdlab.cpuRoundMedians);
}

/** kdlab's peak resident set over a peer's (one process each: no rounds). */
export function memoryRatio(kdlab: ParticipantResult, peer: ParticipantResult): number | undefined {
  return kdlab.peakRssKb === undefined || peer.peakRssKb === undefined ? undefined : kdlab.peakRssKb / peer.peakRssKb;
}

/**
 * The steps table: every runner of every workload, each figure as the median over rounds of the
 * round's median step with the smallest and largest round median beside it; the processor time per
 * step (the worker process's, every thread) the same way; the peak resident set (one process, so
 * one value).
 */
export function stepTable(results: ReadonlyMap<StepWorkload, ParticipantResult[]>): string {
  const rows: string[][] = [];
  for (const [workload, list] of results) {
    for (const result of list) {
      rows.push([
        workload,
        result.participant.label,
        result.error !== undefined && result.roundMedians.length === 0 ? `not run: ${result.error}` : formatSpread(stepSpread(result)),
        fixed(samplesPerSecond(result)),
        formatSpread(cpuSpread(result)),
        mebibytes(result.peakRssKb),
        String(result.roundMedians.length),
      ]);
    }
  }
  return markdownTable(
    ['workload', 'runner', 'ms/step: median (min-max) over rounds', 'samples/s (median)', 'CPU ms/step: median (min-max)', 'peak RSS MiB', 'rounds'],
    rows,
    [3, 5, 6],
  );
}

/**
 * The step ratios: each kdlab runner against each peer runner of the same workload and thread count:
 * kdlab's speed over the peer's as the median of the per-round ratios with its 95% bootstrap interval
 * (by wall time and by processor time), and the memory ratio.
 */
export function stepRatioTable(results: ReadonlyMap<StepWorkload, ParticipantResult[]>): string {
  const rows: string[][] = [];
  for (const [workload, list] of results) {
    for (const result of list) {
      if (result.participant.framework !== 'kdlab' || result.roundMedians.length === 0) continue;
      for (const reference of peerReferences(result, list)) {
        const memory = memoryRatio(result, reference);
        rows.push([
          workload,
          result.participant.label,
          reference.participant.label,
          formatRatio(speedRatio(result, reference)),
          formatRatio(cpuSpeedRatio(result, reference)),
          memory === undefined ? '-' : `${memory.toFixed(2)}x`,
        ]);
      }
    }
  }
  return markdownTable(['workload', 'kdlab', 'peer', 'speed kdlab / peer: median [95% interval]', 'by CPU time per step', 'peak RSS kdlab / peer'], rows);
}
