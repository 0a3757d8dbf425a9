import { STEP_WORKLOADS, type StepWorkload } from './steps/kdlab-workloads.js';

/** The options of `npm run bench` (see bench/README.md). */
export interface BenchOptions {
  /** Step workloads to time. */
  only: StepWorkload[];
  /** kdlab backends to time (`wasm`, `node`). */
  backends: Array<'wasm' | 'node'>;
  /** Threads of tfjs-node and PyTorch in the step comparison; one comparison per count. */
  threads: number[];
  /** Alternating rounds per workload. */
  rounds: number;
  /** Each runner's minimum milliseconds per round. */
  roundMs: number;
  /** Each runner's minimum steps per round. */
  minSteps: number;
  /** Whether to run the end-to-end sweeps. */
  sweep: boolean;
  /** Epochs of the sweep's teacher. */
  sweepTeacherEpochs: number;
  /** Epochs of each sweep student. */
  sweepEpochs: number;
  /** `kdlab run --jobs`. */
  sweepJobs: number;
  /** PyTorch's threads in the sweep. */
  sweepTorchThreads: number;
  /** Rounds of the sweeps (each round runs every contender once, in rotating order). */
  sweepRounds: number;
  /** The Python that has Debian's torch. */
  python: string;
  /** `unset` (default): PyTorch's processes drop OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, so OpenBLAS picks its kernels for this CPU; `keep`: they keep the machine's. */
  openblasEnv: 'unset' | 'keep';
  /** Where the JSON results go. */
  json: string;
}

function value(argv: string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`bench/run.ts: ${flag} must be a positive integer, got "${text}"`);
  return parsed;
}

function openblasEnv(text: string | undefined): 'unset' | 'keep' {
  if (text === undefined || text === 'unset' || text === 'keep') return text ?? 'unset';
  throw new Error(`bench/run.ts: --openblas-env must be unset or keep, got "${text}"`);
}

/** Parses `npm run bench -- [options]`; errors name the option. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const only = (value(argv, '--only') ?? STEP_WORKLOADS.join(',')).split(',').filter((name) => name !== '');
  for (const name of only) {
    if (!(STEP_WORKLOADS as readonly string[]).includes(name)) throw new Error(`bench/run.ts: --only: unknown workload "${name}" (known: ${STEP_WORKLOADS.join(', ')})`);
  }
  const backends = (value(argv, '--backends') ?? 'wasm,node').split(',').filter((name) => name !== '');
  for (const name of backends) if (name !== 'wasm' && name !== 'node') throw new Error(`bench/run.ts: --backends: unknown backend "${name}" (known: wasm, node)`);
  return {
    only: only as StepWorkload[],
    backends: backends as Array<'wasm' | 'node'>,
    threads: (value(argv, '--threads') ?? '1').split(',').map((count) => positive(count, 1, '--threads')),
    rounds: positive(value(argv, '--rounds'), 3, '--rounds'),
    roundMs: positive(value(argv, '--round-ms'), 1200, '--round-ms'),
    minSteps: positive(value(argv, '--min-steps'), 3, '--min-steps'),
    sweep: !argv.includes('--no-sweep'),
    sweepTeacherEpochs: positive(value(argv, '--sweep-teacher-epochs'), 2, '--sweep-teacher-epochs'),
    sweepEpochs: positive(value(argv, '--sweep-epochs'), 2, '--sweep-epochs'),
    sweepJobs: positive(value(argv, '--sweep-jobs'), 2, '--sweep-jobs'),
    sweepTorchThreads: positive(value(argv, '--sweep-torch-threads'), 1, '--sweep-torch-threads'),
    sweepRounds: positive(value(argv, '--sweep-rounds'), 1, '--sweep-rounds'),
    python: value(argv, '--python') ?? '/usr/bin/python3',
    openblasEnv: openblasEnv(value(argv, '--openblas-env')),
    json: value(argv, '--json') ?? '.kdlab/bench/latest.json',
  };
}
