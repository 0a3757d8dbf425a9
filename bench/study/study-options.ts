import { parseFlags, positiveInteger, type FlagOptions, type FlagSpec } from '../flags.js';
import { parseMallocMode, parseMklMode, parseOpenblasMode, type MallocMode, type MklMode, type OpenblasMode } from '../peers/settings.js';

/** The contenders of the study-level comparison, in their default order. */
export const STUDY_CONTENDERS = ['kdlab', 'torch2', 'keras'] as const;

/** One of {@link STUDY_CONTENDERS}: kdlab's CLI, the PyTorch 2.13 twin, the Keras 3 twin. */
export type StudyContenderId = (typeof STUDY_CONTENDERS)[number];

/** The scale of the study: what every contender trains. */
export interface StudyScale {
  /** Epochs of the teacher. */
  teacherEpochs: number;
  /** Epochs of each student (baseline and distilled). */
  studentEpochs: number;
  /** Student seeds. */
  seeds: number[];
  /** Distillation temperatures. */
  temperatures: number[];
  /** Training examples kept (smoke tests only); `undefined`: the whole training split (55,000). */
  limitTrain: number | undefined;
}

/** The options of `npm run bench:study` (see bench/README.md, "Study-level comparison"). */
export interface StudyOptions extends StudyScale {
  /** The contenders, run one after another in this order. */
  contenders: StudyContenderId[];
  /** Threads of every contender (tfjs-node's intra-op pool, torch's threads, TensorFlow's pools). */
  threads: number;
  /** The exported split (repro/pytorch-twin/export-split.ts), written there when missing. */
  data: string;
  /** Whether to build kdlab (`tsc -b`) and run its compiled dist (else its sources under tsx). */
  build: boolean;
  /** Whether kdlab writes its per-epoch checkpoints (its default; into the run's temporary folder). */
  checkpoints: boolean;
  /** Milliseconds between two memory samples of a contender's process tree. */
  sampleMs: number;
  /** The bench's virtual environment (PyTorch 2, Keras 3 and TensorFlow). */
  venv: string;
  /** The Python that creates it. */
  venvPython: string;
  /** The folders its wheels come from. */
  wheels: string[];
  /** The peers' OpenBLAS variables: chosen per peer by the bench's probe (`auto`) or fixed. */
  openblasEnv: OpenblasMode;
  /** The peers' glibc malloc settings: chosen per peer by the bench's probe (`auto`) or fixed. */
  peerMalloc: MallocMode;
  /** `auto` (default): per peer whose MKL takes its generic code path, the faster of MKL's own dispatch and its Intel code path (bench/peers/mkl_intel_path.c preloaded); `dispatch` / `intel-path`: that for every such peer. */
  peerMkl: MklMode;
  /** Rounds of the settings probe. */
  probeRounds: number;
  /** Where the JSON results go. */
  json: string;
  /** Where the markdown table goes. */
  markdown: string;
  /** Keep each contender's temporary folder (tracking store, cache, results) instead of removing it. */
  keepWork: boolean;
}

const SCRIPT = 'bench/study/run-study.ts';

/** The flags of `npm run bench:study`, with their defaults (the study's own scale). */
export const STUDY_FLAGS = {
  script: SCRIPT,
  command: 'npm run bench:study --',
  summary:
    "Times the Hinton full-MNIST study (experiments/repro/hinton-mnist-full.ts) end to end in kdlab, as a plain PyTorch 2 loop (repro/pytorch-twin) and with Keras 3's Distiller (bench/study), one after another: wall time, peak memory, test accuracies (see bench/README.md).",
  options: {
    'teacher-epochs': { type: 'string', default: '100' },
    'student-epochs': { type: 'string', default: '30' },
    seeds: { type: 'string', default: '0,1,2,3,4' },
    temperatures: { type: 'string', default: '20,4' },
    threads: { type: 'string', default: '1' },
    contenders: { type: 'string', default: STUDY_CONTENDERS.join(',') },
    'limit-train': { type: 'string' },
    data: { type: 'string', default: '.kdlab/pytorch-twin-data' },
    'no-build': { type: 'boolean' },
    'no-checkpoints': { type: 'boolean' },
    'sample-ms': { type: 'string', default: '100' },
    venv: { type: 'string', default: '.kdlab/bench/venv' },
    'venv-python': { type: 'string', default: 'python3' },
    wheels: { type: 'string', default: '/opt/wheels,/opt/pypi/files' },
    'openblas-env': { type: 'string', default: 'auto' },
    'peer-malloc': { type: 'string', default: 'auto' },
    'peer-mkl': { type: 'string', default: 'auto' },
    'probe-rounds': { type: 'string', default: '3' },
    json: { type: 'string', default: '.kdlab/bench/study-latest.json' },
    markdown: { type: 'string', default: '.kdlab/bench/study-latest.md' },
    'keep-work': { type: 'boolean' },
  },
  describe: {
    'teacher-epochs': "the teacher's epochs",
    'student-epochs': "each student's epochs (baseline and distilled)",
    seeds: 'student seeds, comma-separated',
    temperatures: 'distillation temperatures, comma-separated',
    threads: "every contender's threads (kdlab run --threads; torch.set_num_threads; TensorFlow's intra-op and inter-op pools; OMP/OPENBLAS/MKL_NUM_THREADS)",
    contenders: `the contenders, run one after another in this order (${STUDY_CONTENDERS.join(', ')})`,
    'limit-train': 'train on this many training examples only (smoke tests: kdlab keeps a stratified subset, the twins a seeded random one)',
    data: 'the split the twins read (repro/pytorch-twin/export-split.ts writes it there when missing)',
    'no-build': "run kdlab's sources under tsx instead of building (tsc -b) and running its compiled dist with KDLAB_FROM_DIST=1",
    'no-checkpoints': 'kdlab run --no-checkpoints (by default kdlab writes its per-epoch checkpoints, as it does for its users, into the temporary folder)',
    'sample-ms': "milliseconds between two samples of a contender's process-tree memory (/proc)",
    venv: 'the virtual environment of the torch2 and keras twins (made once with --venv-python -m venv, then reused)',
    'venv-python': 'the Python that creates --venv (its version must match the wheels: cp311)',
    wheels: 'the folders pip installs the venv from, comma-separated (pip install --no-index --find-links: nothing is downloaded)',
    'openblas-env': "auto: per peer, unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE together in its processes only if that makes its KD step faster (the bench's probe); unset / keep: the same for every peer",
    'peer-malloc': "auto: per peer, tune glibc malloc in its processes only if that makes its KD step faster (the bench's probe); default / tuned: the same for every peer",
    'peer-mkl': "auto: per peer whose MKL takes its generic code path (a non-Intel processor), preload bench/peers/mkl_intel_path.c (MKL then dispatches on the processor's instruction sets) only if that makes its KD step faster (measured); dispatch / intel-path: the same for every such peer",
    'probe-rounds': 'alternating rounds of the probe that decides --openblas-env auto, --peer-malloc auto and --peer-mkl auto',
    json: 'where the JSON results go',
    markdown: 'where the markdown table goes (also printed)',
    'keep-work': "keep each contender's temporary folder (tracking store, teacher cache, results files) and print where",
  },
} as const satisfies FlagSpec<FlagOptions>;

function list<T>(flag: string, text: string, parse: (part: string) => T): T[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) throw new Error(`${SCRIPT}: ${flag} is empty`);
  return parts.map(parse);
}

function nonNegativeInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${SCRIPT}: ${flag}: expected non-negative integers, got "${text}"`);
  return value;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${SCRIPT}: ${flag}: expected positive numbers, got "${text}"`);
  return value;
}

function contender(text: string): StudyContenderId {
  if ((STUDY_CONTENDERS as readonly string[]).includes(text)) return text as StudyContenderId;
  throw new Error(`${SCRIPT}: --contenders: unknown contender "${text}" (known: ${STUDY_CONTENDERS.join(', ')})`);
}

/**
 * Parses `npm run bench:study -- [options]` with `node:util` `parseArgs`: an unknown flag stops with
 * the usage; `--help` prints it; bad values throw naming the option.
 *
 * @param argv - The arguments after the script.
 */
export function parseStudyOptions(argv: string[]): StudyOptions {
  const flags = parseFlags(STUDY_FLAGS, argv);
  const contenders = list('--contenders', flags.contenders, contender);
  if (new Set(contenders).size !== contenders.length) throw new Error(`${SCRIPT}: --contenders names one twice`);
  return {
    teacherEpochs: positiveInteger(SCRIPT, '--teacher-epochs', flags['teacher-epochs']),
    studentEpochs: positiveInteger(SCRIPT, '--student-epochs', flags['student-epochs']),
    seeds: list('--seeds', flags.seeds, (part) => nonNegativeInteger('--seeds', part)),
    temperatures: list('--temperatures', flags.temperatures, (part) => positiveNumber('--temperatures', part)),
    limitTrain: flags['limit-train'] === undefined ? undefined : positiveInteger(SCRIPT, '--limit-train', flags['limit-train']),
    contenders,
    threads: positiveInteger(SCRIPT, '--threads', flags.threads),
    data: flags.data,
    build: flags['no-build'] !== true,
    checkpoints: flags['no-checkpoints'] !== true,
    sampleMs: positiveInteger(SCRIPT, '--sample-ms', flags['sample-ms']),
    venv: flags.venv,
    venvPython: flags['venv-python'],
    wheels: flags.wheels.split(',').filter((folder) => folder !== ''),
    openblasEnv: parseOpenblasMode(flags['openblas-env'], SCRIPT),
    peerMalloc: parseMallocMode(flags['peer-malloc'], SCRIPT),
    peerMkl: parseMklMode(flags['peer-mkl'], SCRIPT),
    probeRounds: positiveInteger(SCRIPT, '--probe-rounds', flags['probe-rounds']),
    json: flags.json,
    markdown: flags.markdown,
    keepWork: flags['keep-work'] === true,
  };
}
