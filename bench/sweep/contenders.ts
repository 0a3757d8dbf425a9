import { join } from 'node:path';
import { pytorchThreadEnv } from '../pytorch-peer.js';
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
  /** PyTorch's threads. */
  sweepTorchThreads: number;
}

/** The folders a kdlab sweep on `backend` tracks and caches into (emptied before each run). */
export function kdlabSweepFolders(workDir: string, backend: 'wasm' | 'node'): { tracking: string; cache: string } {
  return { tracking: join(workDir, `mlruns-${backend}`), cache: join(workDir, `cache-${backend}`) };
}

/**
 * The sweeps: `kdlab run bench/sweep/experiment.ts` on each backend (a fresh tracking store and teacher
 * cache each time) and, when PyTorch can run, bench/pytorch/sweep.py on the split in `dataDir`.
 */
export function sweepContenders(settings: SweepSettings, workDir: string, dataDir: string, python: string | undefined): SweepContender[] {
  const epochs = ['--set', `teacher.train.epochs=${settings.sweepTeacherEpochs}`, '--set', `train.epochs=${settings.sweepEpochs}`];
  const list: SweepContender[] = settings.backends.map((backend) => {
    const folders = kdlabSweepFolders(workDir, backend);
    return {
      label: `kdlab run --backend ${backend} --jobs ${settings.sweepJobs}`,
      framework: 'kdlab',
      command: process.execPath,
      args: ['packages/cli/bin/kdlab.mjs', 'run', 'bench/sweep/experiment.ts', '--backend', backend, '--jobs', String(settings.sweepJobs), '--tracking-uri', folders.tracking, '--cache-dir', folders.cache, '--no-resume', ...epochs],
      folders: [folders.tracking, folders.cache],
    };
  });
  if (python !== undefined) {
    const threads = settings.sweepTorchThreads;
    list.splice(Math.min(1, list.length), 0, {
      label: `PyTorch loop (${threads} thread${threads > 1 ? 's' : ''}, teacher forward every step)`,
      framework: 'pytorch',
      command: python,
      args: ['bench/pytorch/sweep.py', '--data', dataDir, '--teacher-epochs', String(settings.sweepTeacherEpochs), '--epochs', String(settings.sweepEpochs), '--threads', String(threads)],
      env: pytorchThreadEnv(threads),
      folders: [],
    });
  }
  return list;
}
