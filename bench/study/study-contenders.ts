import { join } from 'node:path';
import { PEERS, peerEnv, type PeerSettings } from '../peers/peers.js';
import type { StudyContenderId, StudyOptions, StudyScale } from './study-options.js';
import type { StudyLaunch } from './study-result.js';

/** kdlab's study file: the contender runs it as it is, its scale set with `--set`. */
export const KDLAB_STUDY_FILE = 'experiments/repro/hinton-mnist-full.ts';

/** The experiment's name in the tracking store. */
export const KDLAB_STUDY_NAME = 'hinton-mnist-full';

/** The PyTorch 2 twin's command line (repro/pytorch-twin). */
export const TORCH_TWIN_SCRIPT = 'repro/pytorch-twin/hinton_mnist_full.py';

/** The Keras 3 twin's command line (bench/study). */
export const KERAS_TWIN_SCRIPT = 'bench/study/keras_hinton_mnist_full.py';

/**
 * The `kdlab run --set` overrides that scale the study: the teacher's and the students' epochs, the
 * student seeds, the temperature sweep (the whole `sweep` object: its key holds dots) and, for smoke
 * tests, `data.limitTrain`.
 */
export function kdlabOverrides(scale: StudyScale): string[] {
  const sets = [
    `teacher.train.epochs=${scale.teacherEpochs}`,
    `train.epochs=${scale.studentEpochs}`,
    `seeds=${JSON.stringify(scale.seeds)}`,
    `sweep=${JSON.stringify({ 'losses.1.temperature': scale.temperatures })}`,
    ...(scale.limitTrain !== undefined ? [`data.limitTrain=${scale.limitTrain}`] : []),
  ];
  return sets.flatMap((set) => ['--set', set]);
}

/**
 * kdlab's contender: `kdlab run` on the study file, native backend, one process (`--jobs 1`: the
 * trials one after another, as the twins run theirs) with `--threads`, a fresh tracking store, teacher
 * cache and checkpoint folder in `workDir` (so the teacher and the baselines are really trained), no
 * saved models (the twins save none of the students). `fromDist`: run the compiled dist with plain
 * node (`KDLAB_FROM_DIST=1`, as an installed kdlab runs), else the sources under tsx.
 */
export function kdlabLaunch(options: StudyOptions, workDir: string, fromDist: boolean): StudyLaunch {
  const args = [
    'packages/cli/bin/kdlab.mjs',
    'run',
    KDLAB_STUDY_FILE,
    '--backend',
    'node',
    '--jobs',
    '1',
    '--threads',
    String(options.threads),
    '--tracking-uri',
    join(workDir, 'mlruns'),
    '--cache-dir',
    join(workDir, 'cache'),
    ...(options.checkpoints ? ['--checkpoint-dir', join(workDir, 'checkpoints')] : ['--no-checkpoints']),
    '--no-save-models',
    '--no-resume',
    ...kdlabOverrides(options),
  ];
  return { command: process.execPath, args, env: fromDist ? { KDLAB_FROM_DIST: '1' } : {}, workDir };
}

/** The options both twins take (their command lines are the same). */
export function twinArgs(options: StudyOptions, dataDir: string, out: string): string[] {
  return [
    '--data',
    dataDir,
    '--out',
    out,
    '--teacher-epochs',
    String(options.teacherEpochs),
    '--student-epochs',
    String(options.studentEpochs),
    '--seeds',
    options.seeds.join(','),
    '--temperatures',
    options.temperatures.join(','),
    '--threads',
    String(options.threads),
    ...(options.limitTrain !== undefined ? ['--limit-train', String(options.limitTrain)] : []),
  ];
}

/** Where a twin writes its results file in its temporary folder. */
export function twinResultsPath(workDir: string): string {
  return join(workDir, 'hinton-mnist-full.json');
}

/**
 * A twin's contender: the PyTorch 2 twin (`torch2`) or the Keras 3 twin (`keras`) on the bench
 * virtual environment's Python, its results file in `workDir`, with the bench's peer environment:
 * threads (OMP/OPENBLAS/MKL_NUM_THREADS), the OpenBLAS and malloc settings chosen for the peer, and
 * its own variables (`KERAS_BACKEND`).
 */
export function twinLaunch(id: Exclude<StudyContenderId, 'kdlab'>, python: string, settings: PeerSettings, options: StudyOptions, dataDir: string, workDir: string): StudyLaunch {
  const script = id === 'torch2' ? TORCH_TWIN_SCRIPT : KERAS_TWIN_SCRIPT;
  return { command: python, args: [script, ...twinArgs(options, dataDir, twinResultsPath(workDir))], env: peerEnv(PEERS[id], options.threads, settings), workDir };
}
