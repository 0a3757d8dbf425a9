import type { PeerId } from '../peers/peers.js';
import type { StepWorkload } from '../steps/kdlab-workloads.js';
import type { ParticipantResult } from '../steps/run-steps.js';
import type { SweepResult } from '../sweep/run-sweeps.js';
import { markdownTable } from './markdown.js';
import { formatRatio, judge, type Goal, type RatioInterval } from './stats.js';
import { cpuSpeedRatio, memoryRatio, speedRatio } from './step-table.js';
import { sweepMemoryRatio, sweepSeries, sweepTimeRatio, type SweepSeries } from './sweep-table.js';

/** What a target compares, against one peer. */
type Measure = (peer: PeerId) => { ratio: RatioInterval | undefined; single?: number } | undefined;

/** One target of issues 5, 12 and 15, checked against each peer that ran its workload. */
interface Target {
  what: string;
  goal: Goal;
  measure: Measure;
}

/** The figures a target reads. */
export interface TargetInputs {
  /** The step results by workload. */
  steps: ReadonlyMap<StepWorkload, ParticipantResult[]>;
  /** Every sweep of every round. */
  sweeps: readonly SweepResult[];
  /** The peers, in the order of the table, with their labels. */
  peers: ReadonlyArray<{ id: PeerId; label: string }>;
}

function kdlabRunner(results: readonly ParticipantResult[] | undefined, backend: 'wasm' | 'node'): ParticipantResult | undefined {
  return results?.find((result) => result.participant.framework === 'kdlab' && result.participant.backend === backend && result.participant.threads === 1 && result.roundMedians.length > 0);
}

function peerRunner(results: readonly ParticipantResult[] | undefined, peer: PeerId, teacherForward?: boolean): ParticipantResult | undefined {
  return results?.find(
    (result) =>
      result.participant.peer === peer &&
      result.participant.threads === 1 &&
      result.roundMedians.length > 0 &&
      (teacherForward === undefined || (result.participant.teacherForward ?? false) === teacherForward),
  );
}

function goalText(goal: Goal): string {
  return `${goal.op} ${goal.value.toFixed(2)}x`;
}

/**
 * The targets table: each goal against each peer, the ratio as the median of the per-round ratios with
 * its 95% interval, and the verdict: met only when the whole interval clears the goal (`open` when it
 * straddles it). A memory ratio is one value per process (the peak resident set of one worker each):
 * it is judged on that value and says so.
 */
export function targetTable(inputs: TargetInputs): string {
  const { steps } = inputs;
  const series = sweepSeries(inputs.sweeps);
  const kdlabSweep = (backend: 'wasm' | 'node'): SweepSeries | undefined => series.find((item) => item.first.contender.backend === backend);
  const peerSweep = (peer: PeerId): SweepSeries | undefined => series.find((item) => item.first.contender.peer === peer);
  const step =
    (workload: StepWorkload, backend: 'wasm' | 'node', teacherForward: boolean | undefined, byCpu = false): Measure =>
    (peer) => {
      const kdlab = kdlabRunner(steps.get(workload), backend);
      const other = peerRunner(steps.get(workload), peer, teacherForward);
      if (kdlab === undefined || other === undefined) return undefined;
      return { ratio: byCpu ? cpuSpeedRatio(kdlab, other) : speedRatio(kdlab, other) };
    };
  const sweep =
    (backend: 'wasm' | 'node', memory = false): Measure =>
    (peer) => {
      const kdlab = kdlabSweep(backend);
      const other = peerSweep(peer);
      if (kdlab === undefined || other === undefined) return undefined;
      return { ratio: memory ? sweepMemoryRatio(kdlab, other) : sweepTimeRatio(kdlab, other) };
    };
  const kdMemory =
    (backend: 'wasm' | 'node'): Measure =>
    (peer) => {
      const kdlab = kdlabRunner(steps.get('kd'), backend);
      const other = peerRunner(steps.get('kd'), peer, true);
      const single = kdlab && other ? memoryRatio(kdlab, other) : undefined;
      return single === undefined ? undefined : { ratio: undefined, single };
    };
  const targets: Target[] = [
    // The PyTorch KD step of issue 5's table runs the frozen teacher every step; kdlab caches the
    // teacher's logits (issue 5, item 3). Like for like, the peer caches them too.
    { what: "wasm KD step vs the peer's KD step with its teacher run every step", goal: { op: '>=', value: 0.4 }, measure: step('kd', 'wasm', true) },
    { what: 'wasm KD step vs the peer with cached logits too (like for like)', goal: { op: '>=', value: 0.4 }, measure: step('kd', 'wasm', false) },
    { what: 'wasm CNN step', goal: { op: '>=', value: 0.3 }, measure: step('cnn', 'wasm', undefined) },
    { what: "tfjs-node KD step vs the peer's KD step with its teacher run every step", goal: { op: '>=', value: 0.8 }, measure: step('kd', 'node', true) },
    { what: 'tfjs-node KD step vs the peer with cached logits too (like for like)', goal: { op: '>=', value: 0.8 }, measure: step('kd', 'node', false) },
    // issue 12: the DistilBERT-style study's step
    { what: 'tfjs-node transformer step', goal: { op: '>=', value: 1 }, measure: step('transformer', 'node', undefined) },
    { what: 'tfjs-node transformer step by processor time per step', goal: { op: '>=', value: 1 }, measure: step('transformer', 'node', undefined, true) },
    { what: 'end-to-end sweep, wasm: wall time kdlab / peer', goal: { op: '<=', value: 2 }, measure: sweep('wasm') },
    { what: 'end-to-end sweep, tfjs-node: wall time kdlab / peer', goal: { op: '<=', value: 1 }, measure: sweep('node') },
    { what: 'KD step process peak RSS, kdlab wasm / peer (teacher forward)', goal: { op: '<=', value: 1.2 }, measure: kdMemory('wasm') },
    // issue 15: the native backend's memory, at most 1.3x the best PyTorch peer's
    { what: 'KD step process peak RSS, kdlab node / peer (teacher forward)', goal: { op: '<=', value: 1.3 }, measure: kdMemory('node') },
  ];
  const rows: string[][] = [];
  for (const target of targets) {
    for (const peer of inputs.peers) {
      const measured = target.measure(peer.id);
      if (measured === undefined) continue;
      if (measured.single !== undefined) {
        const pass = target.goal.op === '>=' ? measured.single >= target.goal.value : measured.single <= target.goal.value;
        rows.push([target.what, peer.label, goalText(target.goal), `${measured.single.toFixed(2)}x`, `${pass ? 'met' : 'not met'} (one process each: no interval)`]);
        continue;
      }
      rows.push([target.what, peer.label, goalText(target.goal), formatRatio(measured.ratio), judge(measured.ratio, target.goal)]);
    }
  }
  if (rows.length === 0) return '(no target measured: no peer ran)';
  return markdownTable(['target', 'peer', 'goal', 'measured: median [95% interval]', 'met (only when the interval clears the goal)'], rows);
}
