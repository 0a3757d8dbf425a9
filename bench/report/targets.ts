import type { StepWorkload } from '../steps/kdlab-workloads.js';
import { samplesPerCpuSecond, samplesPerSecond, type ParticipantResult } from '../steps/run-steps.js';
import type { SweepResult } from '../sweep/run-sweeps.js';
import { markdownTable } from './markdown.js';

/** One target of issues 5 and 12, checked against the measured figures. */
interface Target {
  what: string;
  goal: string;
  measured: number | undefined;
  met: (value: number) => boolean;
}

function find(results: readonly ParticipantResult[] | undefined, labelStart: string): ParticipantResult | undefined {
  return results?.find((result) => result.participant.label.startsWith(labelStart) && result.error === undefined);
}

function quotient(numerator: number | undefined, denominator: number | undefined): number | undefined {
  return numerator === undefined || denominator === undefined || denominator === 0 ? undefined : numerator / denominator;
}

/** The targets table: each goal, the measured ratio and whether it is met. */
export function targetTable(steps: ReadonlyMap<StepWorkload, ParticipantResult[]>, sweeps: readonly SweepResult[]): string {
  const speed = (workload: StepWorkload, kdlab: string, pytorch: string): number | undefined => {
    const kdlabResult = find(steps.get(workload), kdlab);
    const pytorchResult = find(steps.get(workload), pytorch);
    return quotient(kdlabResult && samplesPerSecond(kdlabResult), pytorchResult && samplesPerSecond(pytorchResult));
  };
  const cpuSpeed = (workload: StepWorkload, kdlab: string, pytorch: string): number | undefined => {
    const kdlabResult = find(steps.get(workload), kdlab);
    const pytorchResult = find(steps.get(workload), pytorch);
    return quotient(kdlabResult && samplesPerCpuSecond(kdlabResult), pytorchResult && samplesPerCpuSecond(pytorchResult));
  };
  const sweepSeconds = (labelStart: string): number | undefined => sweeps.find((result) => result.contender.label.startsWith(labelStart))?.seconds;
  const kd = steps.get('kd');
  const targets: Target[] = [
    // The PyTorch KD step runs the frozen teacher every step (its table's peer); kdlab caches
    // the teacher's logits (the item 3). Like for like, PyTorch caches them too.
    { what: "wasm KD step vs PyTorch's KD step (teacher run every step), 1 thread", goal: '>= 0.40x', measured: speed('kd', 'kdlab wasm', 'PyTorch (1 thread, teacher forward'), met: (value) => value >= 0.4 },
    { what: 'wasm KD step vs PyTorch with cached logits too (like for like), 1 thread', goal: '>= 0.40x', measured: speed('kd', 'kdlab wasm', 'PyTorch (1 thread, cached'), met: (value) => value >= 0.4 },
    { what: 'wasm CNN step vs PyTorch, 1 thread', goal: '>= 0.30x', measured: speed('cnn', 'kdlab wasm', 'PyTorch (1 thread'), met: (value) => value >= 0.3 },
    { what: "tfjs-node KD step vs PyTorch's KD step (teacher run every step), 1 thread", goal: '>= 0.80x', measured: speed('kd', 'kdlab node (1 thread', 'PyTorch (1 thread, teacher forward'), met: (value) => value >= 0.8 },
    { what: 'tfjs-node KD step vs PyTorch with cached logits too (like for like), 1 thread', goal: '>= 0.80x', measured: speed('kd', 'kdlab node (1 thread', 'PyTorch (1 thread, cached'), met: (value) => value >= 0.8 },
    // issue 12: the DistilBERT-style study's step, against PyTorch with OpenBLAS's own kernels for the CPU
    { what: 'tfjs-node transformer step vs PyTorch, 1 thread', goal: '>= 1.00x', measured: speed('transformer', 'kdlab node (1 thread', 'PyTorch (1 thread'), met: (value) => value >= 1 },
    { what: 'tfjs-node transformer step vs PyTorch by processor time per step, 1 thread', goal: '>= 1.00x', measured: cpuSpeed('transformer', 'kdlab node (1 thread', 'PyTorch (1 thread'), met: (value) => value >= 1 },
    { what: 'end-to-end sweep, wasm: wall time / PyTorch', goal: '<= 2.0x', measured: quotient(sweepSeconds('kdlab run --backend wasm'), sweepSeconds('PyTorch')), met: (value) => value <= 2 },
    { what: 'end-to-end sweep, tfjs-node: wall time / PyTorch', goal: '<= 1.0x', measured: quotient(sweepSeconds('kdlab run --backend node'), sweepSeconds('PyTorch')), met: (value) => value <= 1 },
    {
      what: 'KD step process peak RSS, kdlab wasm / PyTorch (teacher forward)',
      goal: '<= 1.2x',
      measured: quotient(find(kd, 'kdlab wasm')?.peakRssKb, find(kd, 'PyTorch (1 thread, teacher forward')?.peakRssKb),
      met: (value) => value <= 1.2,
    },
  ];
  return markdownTable(
    ['target', 'goal', 'measured', 'met'],
    targets.map((target) => [target.what, target.goal, target.measured === undefined ? '-' : `${target.measured.toFixed(3)}x`, target.measured === undefined ? 'not measured' : target.met(target.measured) ? 'yes' : 'no']),
  );
}
