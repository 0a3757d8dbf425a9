import { parseFlags, positiveInteger, type FlagOptions, type FlagSpec } from './flags.js';
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

const SCRIPT = 'bench/run.ts';

/** The flags of `npm run bench`, with their defaults. */
export const BENCH_FLAGS = {
  script: SCRIPT,
  command: 'npm run bench --',
  summary: "kdlab's training steps against the same models in PyTorch, then the end-to-end sweeps (see bench/README.md).",
  options: {
    only: { type: 'string', default: STEP_WORKLOADS.join(',') },
    backends: { type: 'string', default: 'wasm,node' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'round-ms': { type: 'string', default: '1200' },
    'min-steps': { type: 'string', default: '3' },
    'no-sweep': { type: 'boolean' },
    'sweep-teacher-epochs': { type: 'string', default: '2' },
    'sweep-epochs': { type: 'string', default: '2' },
    'sweep-jobs': { type: 'string', default: '2' },
    'sweep-torch-threads': { type: 'string', default: '1' },
    'sweep-rounds': { type: 'string', default: '1' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'openblas-env': { type: 'string', default: 'unset' },
    json: { type: 'string', default: '.kdlab/bench/latest.json' },
  },
  describe: {
    only: 'step workloads to time, comma-separated',
    backends: 'kdlab backends to time (wasm, node)',
    threads: 'threads of tfjs-node and PyTorch in the step comparison; a list compares at each count',
    rounds: 'alternating rounds per workload',
    'round-ms': "each runner's minimum milliseconds per round",
    'min-steps': "each runner's minimum steps per round",
    'no-sweep': 'skip the end-to-end sweeps',
    'sweep-teacher-epochs': "epochs of the sweep's teacher",
    'sweep-epochs': 'epochs of each sweep student',
    'sweep-jobs': 'kdlab run --jobs in the sweep',
    'sweep-torch-threads': "PyTorch's threads in the sweep",
    'sweep-rounds': "rounds of the sweeps (each keeps its best)",
    python: "the Python that has Debian's torch",
    'openblas-env': "unset: PyTorch's processes drop OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE; keep: they keep the machine's",
    json: 'where the JSON results go',
  },
} as const satisfies FlagSpec<FlagOptions>;

function openblasEnv(text: string): 'unset' | 'keep' {
  if (text === 'unset' || text === 'keep') return text;
  throw new Error(`${SCRIPT}: --openblas-env must be unset or keep, got "${text}"`);
}

/**
 * Parses `npm run bench -- [options]` with `node:util` `parseArgs`: an unknown flag stops with the
 * usage; `--help` prints it; bad values throw naming the option.
 *
 * @param argv - The arguments after the script.
 */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const flags = parseFlags(BENCH_FLAGS, argv);
  const only = flags.only.split(',').filter((name) => name !== '');
  for (const name of only) {
    if (!(STEP_WORKLOADS as readonly string[]).includes(name)) throw new Error(`${SCRIPT}: --only: unknown workload "${name}" (known: ${STEP_WORKLOADS.join(', ')})`);
  }
  const backends = flags.backends.split(',').filter((name) => name !== '');
  for (const name of backends) if (name !== 'wasm' && name !== 'node') throw new Error(`${SCRIPT}: --backends: unknown backend "${name}" (known: wasm, node)`);
  return {
    only: only as StepWorkload[],
    backends: backends as Array<'wasm' | 'node'>,
    threads: flags.threads.split(',').map((count) => positiveInteger(SCRIPT, '--threads', count)),
    rounds: positiveInteger(SCRIPT, '--rounds', flags.rounds),
    roundMs: positiveInteger(SCRIPT, '--round-ms', flags['round-ms']),
    minSteps: positiveInteger(SCRIPT, '--min-steps', flags['min-steps']),
    sweep: flags['no-sweep'] !== true,
    sweepTeacherEpochs: positiveInteger(SCRIPT, '--sweep-teacher-epochs', flags['sweep-teacher-epochs']),
    sweepEpochs: positiveInteger(SCRIPT, '--sweep-epochs', flags['sweep-epochs']),
    sweepJobs: positiveInteger(SCRIPT, '--sweep-jobs', flags['sweep-jobs']),
    sweepTorchThreads: positiveInteger(SCRIPT, '--sweep-torch-threads', flags['sweep-torch-threads']),
    sweepRounds: positiveInteger(SCRIPT, '--sweep-rounds', flags['sweep-rounds']),
    python: flags.python,
    openblasEnv: openblasEnv(flags['openblas-env']),
    json: flags.json,
  };
}
