import { join } from 'node:path';
import { peerEnv, settingsOf, type PeerStatus } from '../peers/peers.js';
import type { CliLaunch } from './compiled-cli.js';
import type { SweepContender } from './run-sweeps.js';

/** How the end-to-end sweeps are run. */
export interface SweepSettings {
  /** kdlab backends (`wasm`, `node`). */
  backends: ReadonlyArray<'wasm' | 'node'>;
  /** Epochs of the teacher. */
  sweepTeacherEpochs: number;
  /** Epochs of each student. */
  sweepEpochs: number;
  /** `kdlab run --jobs`. */
  sweepJobs: number;
  /** The peers' threads. */
  sweepTorchThreads: number;
}

/** The folders a kdlab sweep on `backend` tracks and caches into (emptied before each run). */
export function kdlabSweepFolders(workDir: string, backend: 'wasm' | 'node'): { tracking: string; cache: string } {
  return { tracking: join(workDir, `mlruns-${backend}`), cache: join(workDir, `cache-${backend}`) };
}

/**
 * The sweeps: `kdlab run bench/sweep/experiment.ts` on each backend (a fresh tracking store and teacher
 * cache each time; the CLI started as `cli` says, normally from the compiled `dist/`) and each peer that can run (bench/pytorch/sweep.py, bench/keras/sweep.py) on the
 * split in `dataDir`, in its own process with its own settings (OpenBLAS variables, malloc).
 */
export function sweepContenders(settings: SweepSettings, workDir: string, dataDir: string, peers: readonly PeerStatus[], cli: CliLaunch): SweepContender[] {
  const epochs = ['--set', `teacher.train.epochs=${settings.sweepTeacherEpochs}`, '--set', `train.epochs=${settings.sweepEpochs}`];
  const list: SweepContender[] = settings.backends.map((backend) => {
    const folders = kdlabSweepFolders(workDir, backend);
    return {
      label: `kdlab run --backend ${backend} --jobs ${settings.sweepJobs}${cli.from === 'dist' ? '' : ` (CLI from ${cli.from})`}`,
      framework: 'kdlab',
      backend,
      command: process.execPath,
      args: ['packages/cli/bin/kdlab.mjs', 'run', 'bench/sweep/experiment.ts', '--backend', backend, '--jobs', String(settings.sweepJobs), '--tracking-uri', folders.tracking, '--cache-dir', folders.cache, '--no-resume', ...epochs],
      env: cli.env,
      folders: [folders.tracking, folders.cache],
    };
  });
  const threads = settings.sweepTorchThreads;
  for (const peer of peers) {
    if (peer.error !== undefined || peer.python === undefined) continue;
    const how = peer.definition.framework === 'keras' ? 'fit + Distiller, teacher forward every step' : 'plain loop, teacher forward every step';
    list.push({
      label: `${peer.label} (${threads} thread${threads > 1 ? 's' : ''}, ${how})`,
      framework: 'peer',
      peer: peer.definition.id,
      command: peer.python,
      args: [peer.definition.sweepScript, '--data', dataDir, '--teacher-epochs', String(settings.sweepTeacherEpochs), '--epochs', String(settings.sweepEpochs), '--threads', String(threads)],
      env: peerEnv(peer.definition, threads, settingsOf(peer)),
      folders: [],
    });
  }
  return list;
}
