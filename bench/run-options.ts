import { parseFlags, positiveInteger, type FlagOptions, type FlagSpec } from './flags.js';
import { parseMallocMode, parseMklMode, parseOpenblasMode, type MallocMode, type MklMode, type OpenblasMode } from './peers/settings.js';
import { PEER_IDS, type PeerId } from './peers/peers.js';
import { STEP_WORKLOADS, type StepWorkload } from './steps/kdlab-workloads.js';

/** The options of `npm run bench` (see bench/README.md). */
export interface BenchOptions {
  /** Step workloads to time. */
  only: StepWorkload[];
  /** kdlab backends to time (`wasm`, `node`). */
  backends: Array<'wasm' | 'node'>;
  /** The peers to compare with (bench/peers/peers.ts). */
  peers: PeerId[];
  /** Threads of tfjs-node and the peers in the step comparison; one comparison per count. */
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
  /** The peers' threads in the sweep. */
  sweepTorchThreads: number;
  /** Rounds of the sweeps (each round runs every contender once, in rotating order). */
  sweepRounds: number;
  /** The Python that has Debian's torch (the `torch1` peer). */
  python: string;
  /** The bench's virtual environment (PyTorch 2, Keras 3 and TensorFlow). */
  venv: string;
  /** The Python that creates it (`python3 -m venv`). */
  venvPython: string;
  /** The folders its wheels come from (`pip install --no-index --find-links`). */
  wheels: string[];
  /** `auto` (default): per peer, the faster of keeping and unsetting OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE where OpenBLAS' kernels differ; `unset` / `keep`: that for every peer. */
  openblasEnv: OpenblasMode;
  /** `auto` (default): per peer, the faster of glibc malloc's defaults and tuned settings; `default` / `tuned`: that for every peer. */
  peerMalloc: MallocMode;
  /** `auto` (default): per peer whose MKL takes its generic code path, the faster of MKL's own dispatch and its Intel code path (bench/peers/mkl_intel_path.c preloaded); `dispatch` / `intel-path`: that for every such peer. */
  peerMkl: MklMode;
  /** Rounds of the probe that decides the `auto` settings. */
  probeRounds: number;
  /** Where the JSON results go. */
  json: string;
}

const SCRIPT = 'bench/run.ts';

/** The flags of `npm run bench`, with their defaults. */
export const BENCH_FLAGS = {
  script: SCRIPT,
  command: 'npm run bench --',
  summary:
    "kdlab's training steps against the same models in its peers (Debian's PyTorch 1.13, PyTorch 2.13, Keras 3's distiller on TensorFlow 2.21), then the end-to-end sweeps; every figure with its spread over rounds, every ratio with an interval (see bench/README.md).",
  options: {
    only: { type: 'string', default: STEP_WORKLOADS.join(',') },
    backends: { type: 'string', default: 'wasm,node' },
    peers: { type: 'string', default: PEER_IDS.join(',') },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    'round-ms': { type: 'string', default: '1200' },
    'min-steps': { type: 'string', default: '3' },
    'no-sweep': { type: 'boolean' },
    'sweep-teacher-epochs': { type: 'string', default: '2' },
    'sweep-epochs': { type: 'string', default: '2' },
    'sweep-jobs': { type: 'string', default: '2' },
    'sweep-torch-threads': { type: 'string', default: '1' },
    'sweep-rounds': { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
    venv: { type: 'string', default: '.kdlab/bench/venv' },
    'venv-python': { type: 'string', default: 'python3' },
    wheels: { type: 'string', default: '/opt/wheels,/opt/pypi/files' },
    'openblas-env': { type: 'string', default: 'auto' },
    'peer-malloc': { type: 'string', default: 'auto' },
    'peer-mkl': { type: 'string', default: 'auto' },
    'probe-rounds': { type: 'string', default: '3' },
    json: { type: 'string', default: '.kdlab/bench/latest.json' },
  },
  describe: {
    only: 'step workloads to time, comma-separated',
    backends: 'kdlab backends to time (wasm, node)',
    peers: `peers to compare with, comma-separated (${PEER_IDS.join(', ')}: Debian's PyTorch 1.13, PyTorch 2.13 and Keras 3's distiller on TensorFlow 2.21, the last two from --venv)`,
    threads: 'threads of tfjs-node and the peers in the step comparison; a list compares at each count',
    rounds: 'alternating rounds per workload (each figure is the median over rounds, with its range; each ratio the median of the per-round ratios, with a 95% bootstrap interval)',
    'round-ms': "each runner's minimum milliseconds per round",
    'min-steps': "each runner's minimum steps per round",
    'no-sweep': 'skip the end-to-end sweeps',
    'sweep-teacher-epochs': "epochs of the sweep's teacher",
    'sweep-epochs': 'epochs of each sweep student',
    'sweep-jobs': 'kdlab run --jobs in the sweep',
    'sweep-torch-threads': "the peers' threads in the sweep (1: their fastest here; 2, the cores kdlab's --jobs 2 uses, made PyTorch 1.13's sweep 2.6x slower)",
    'sweep-rounds': 'rounds of the sweeps (each runs every sweep once, in rotating order; the spreads and intervals need 2 or more)',
    python: "the Python that has Debian's torch (the torch1 peer)",
    venv: 'the virtual environment of the torch2 and keras peers (made once with --venv-python -m venv, then reused)',
    'venv-python': 'the Python that creates --venv (its version must match the wheels: cp311)',
    wheels: 'the folders pip installs the venv from, comma-separated (pip install --no-index --find-links: nothing is downloaded)',
    'openblas-env': "auto: per peer, unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE together in its processes only if that makes its KD step faster (measured); unset / keep: the same for every peer",
    'peer-malloc': "auto: per peer, tune glibc malloc in its processes only (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_) if that makes its KD step faster (measured); default / tuned: the same for every peer",
    'peer-mkl': "auto: per peer whose MKL takes its generic code path (a non-Intel processor), preload bench/peers/mkl_intel_path.c (MKL then dispatches on the processor's instruction sets) only if that makes its KD step faster (measured); dispatch / intel-path: the same for every such peer",
    'probe-rounds': 'alternating rounds of the probe that decides --openblas-env auto, --peer-malloc auto and --peer-mkl auto (per peer, its KD step under each candidate setting)',
    json: 'where the JSON results go',
  },
} as const satisfies FlagSpec<FlagOptions>;

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
  const peers = flags.peers.split(',').filter((name) => name !== '');
  for (const name of peers) if (!(PEER_IDS as readonly string[]).includes(name)) throw new Error(`${SCRIPT}: --peers: unknown peer "${name}" (known: ${PEER_IDS.join(', ')})`);
  return {
    only: only as StepWorkload[],
    backends: backends as Array<'wasm' | 'node'>,
    peers: peers as PeerId[],
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
    venv: flags.venv,
    venvPython: flags['venv-python'],
    wheels: flags.wheels.split(',').filter((folder) => folder !== ''),
    openblasEnv: parseOpenblasMode(flags['openblas-env'], SCRIPT),
    peerMalloc: parseMallocMode(flags['peer-malloc'], SCRIPT),
    peerMkl: parseMklMode(flags['peer-mkl'], SCRIPT),
    probeRounds: positiveInteger(SCRIPT, '--probe-rounds', flags['probe-rounds']),
    json: flags.json,
  };
}
