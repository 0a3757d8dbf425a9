import { readFile } from 'node:fs/promises';
import { describeSettings, type PeerStatus } from '../peers/peers.js';
import type { KdlabBuild } from './kdlab-build.js';
import { KDLAB_STUDY_NAME, twinResultsPath } from './study-contenders.js';
import { readKdlabStudyRuns } from './kdlab-study-runs.js';
import type { StudyContenderId } from './study-options.js';
import type { ContenderResult, StudyLaunch, StudyRun } from './study-result.js';
import { readTwinResults } from './twin-study-runs.js';
import { runContenderProcess } from './run-contender.js';
import { join } from 'node:path';

/** What a contender is, before it runs. */
export interface ContenderPlan {
  /** Which. */
  id: StudyContenderId;
  /** How it starts. */
  launch: StudyLaunch;
  /** The peer behind a twin (its settings, check and label). */
  peer?: PeerStatus;
  /** How kdlab runs (its contender only). */
  build?: KdlabBuild;
  /** kdlab's version line (its contender only). */
  kdlabVersion?: string;
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ').slice(0, 400);
}

/** kdlab's `backend: ...` line from its log (what it loaded, its threads), without the tracking part. */
export function kdlabBackendLine(log: string): string | undefined {
  const line = log.split('\n').find((text) => text.startsWith('backend: '));
  return line?.slice('backend: '.length).split('   ')[0]?.trim();
}

function describe(plan: ContenderPlan, versions: Record<string, string>, log: string): Pick<ContenderResult, 'label' | 'version' | 'how'> {
  if (plan.id === 'kdlab') {
    const backend = kdlabBackendLine(log);
    const checkpoints = plan.launch.args.includes('--no-checkpoints') ? 'no checkpoints' : 'a checkpoint at every epoch end (its default)';
    return {
      label: 'kdlab run (node backend)',
      version: `${plan.kdlabVersion ?? 'kdlab'}${backend !== undefined ? ` (backend: ${backend})` : ''}`,
      how: `\`kdlab run ${plan.launch.args.slice(2, 5).join(' ')} --jobs 1\`, one process, ${plan.build?.reason ?? ''}; the teacher trained and cached, its logits computed once and gathered per batch for the distilled students; ${checkpoints}; no models saved`,
    };
  }
  const peer = plan.peer!;
  const settings = peer.settings !== undefined ? describeSettings(peer.settings) : 'default settings';
  const check = peer.check;
  const kernels = [check?.blas ? `matrix products: ${check.blas}` : undefined, check?.onednn ? check.onednn : undefined, check?.blasCore ? `OpenBLAS ${check.blasCore}` : undefined].filter((text) => text !== undefined).join(', ');
  if (plan.id === 'torch2') {
    return {
      label: 'PyTorch twin (plain loop)',
      version: `PyTorch ${versions['torch_version'] ?? check?.torch ?? '?'}${kernels !== '' ? ` (${kernels})` : ''}`,
      how: `repro/pytorch-twin/hinton_mnist_full.py: a plain training loop, the teacher's logits computed once and gathered per batch; ${settings}`,
    };
  }
  return {
    label: 'Keras twin (fit + Distiller)',
    version: `Keras ${versions['keras_version'] ?? check?.keras ?? '?'} on TensorFlow ${versions['tensorflow_version'] ?? check?.tensorflow ?? '?'}${kernels !== '' ? ` (${kernels})` : ''}`,
    how: `bench/study/keras_hinton_mnist_full.py: \`fit\` for the teacher and the baselines, \`keras.distillation.Distiller.fit\` for the distilled students, whose teacher runs forward on every batch (training and validation), as the distiller runs; ${settings}`,
  };
}

/**
 * Runs one contender to its end and reads what it trained: kdlab's runs from its own tracking store,
 * a twin's from its results file. Wall time and memory come from the runner (spawn to exit, the
 * process tree sampled every `sampleMs`).
 */
export async function measureContender(plan: ContenderPlan, root: string, logPath: string, sampleMs: number): Promise<ContenderResult> {
  const outcome = await runContenderProcess(plan.launch, root, logPath, sampleMs);
  const log = await readFile(logPath, 'utf8').catch(() => '');
  let runs: StudyRun[] = [];
  let versions: Record<string, string> = {};
  let readError: string | undefined;
  try {
    if (plan.id === 'kdlab') runs = await readKdlabStudyRuns(join(plan.launch.workDir, 'mlruns'), KDLAB_STUDY_NAME);
    else ({ runs, versions } = await readTwinResults(twinResultsPath(plan.launch.workDir)));
  } catch (error) {
    readError = `its results could not be read: ${(error as Error).message}`;
  }
  const error = outcome.code !== 0 ? `exited with code ${String(outcome.code)}: ${lastLines(log, 3)}` : readError;
  return {
    id: plan.id,
    ...describe(plan, versions, log),
    launch: plan.launch,
    ...(plan.peer?.settings !== undefined ? { settings: plan.peer.settings } : {}),
    ...(plan.peer?.check !== undefined ? { check: plan.peer.check } : {}),
    seconds: outcome.seconds,
    peakTreeKb: outcome.memory.peakTotalKb,
    peakProcessKb: outcome.memory.peakProcessKb,
    memorySamples: outcome.memory.samples,
    processes: outcome.memory.processes,
    runs,
    log: logPath,
    ...(error !== undefined ? { error } : {}),
  };
}
