import type { StepWorkload } from '../steps/kdlab-workloads.js';
import { bestCpuMs, bestMs, samplesPerCpuSecond, samplesPerSecond, type ParticipantResult } from '../steps/run-steps.js';
import { fixed, markdownTable, mebibytes, ratio } from './markdown.js';

/**
 * The PyTorch results a kdlab result is compared with: those with the same thread count (kdlab wasm,
 * single-threaded: those with the fewest threads measured).
 */
export function pytorchReferences(result: ParticipantResult, all: readonly ParticipantResult[]): ParticipantResult[] {
  const pytorch = all.filter((other) => other.participant.framework === 'pytorch' && other.error === undefined);
  const threads = result.participant.label.startsWith('kdlab wasm') ? Math.min(...pytorch.map((other) => other.participant.threads)) : result.participant.threads;
  return pytorch.filter((other) => other.participant.threads === threads);
}

/**
 * The steps table: every runner of every workload, with kdlab's speed and memory against PyTorch's;
 * then the processor time per step (the worker process's, every thread, best round's median) and the
 * speed ratio by it, which load from other processes on a shared machine disturbs far less than the
 * wall time.
 */
export function stepTable(results: ReadonlyMap<StepWorkload, ParticipantResult[]>): string {
  const rows: string[][] = [];
  for (const [workload, list] of results) {
    for (const result of list) {
      const references = result.participant.framework === 'kdlab' ? pytorchReferences(result, list) : [];
      const which = (reference: ParticipantResult): string =>
        references.length > 1 ? ` (${reference.participant.teacherForward === true ? 'vs teacher forward' : 'vs cached'})` : '';
      rows.push([
        workload,
        result.participant.label,
        result.error !== undefined ? `not run: ${result.error}` : fixed(bestMs(result), 1),
        fixed(samplesPerSecond(result)),
        mebibytes(result.peakRssKb),
        references.map((reference) => `${ratio(samplesPerSecond(result), samplesPerSecond(reference))}${which(reference)}`).join(', '),
        references.map((reference) => ratio(result.peakRssKb, reference.peakRssKb)).join(', '),
        fixed(bestCpuMs(result), 1),
        references.map((reference) => `${ratio(samplesPerCpuSecond(result), samplesPerCpuSecond(reference))}${which(reference)}`).join(', '),
      ]);
    }
  }
  return markdownTable(
    ['workload', 'runner', 'ms/step', 'samples/s', 'peak RSS MiB', 'kdlab / PyTorch speed', 'kdlab / PyTorch memory', 'CPU ms/step', 'kdlab / PyTorch speed per CPU ms'],
    rows,
    [2, 3, 4, 7],
  );
}
