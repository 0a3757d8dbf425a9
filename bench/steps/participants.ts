import { pytorchThreadEnv } from '../pytorch-peer.js';
import type { StepWorkload } from './kdlab-workloads.js';
import type { Participant } from './run-steps.js';

/** Who runs the step comparison, and how they are started. */
export interface ParticipantSettings {
  /** kdlab backends to time. */
  backends: ReadonlyArray<'wasm' | 'node'>;
  /** Thread counts of tfjs-node and PyTorch. */
  threads: readonly number[];
  /** The Python with torch, or `undefined` when PyTorch cannot run. */
  python: string | undefined;
  /** The `--import` argument that loads tsx. */
  tsx: string;
}

function plural(threads: number): string {
  return `${threads} thread${threads > 1 ? 's' : ''}`;
}

function kdlab(workload: StepWorkload, backend: 'wasm' | 'node', threads: number, tsx: string): Participant {
  const args = ['--conditions=@kdlab/source', '--import', tsx, 'bench/steps/kdlab-worker.ts', '--workload', workload, '--backend', backend];
  if (backend === 'node') args.push('--threads', String(threads));
  return {
    label: backend === 'wasm' ? 'kdlab wasm (1 thread)' : `kdlab node (${plural(threads)})`,
    framework: 'kdlab',
    threads: backend === 'wasm' ? 1 : threads,
    command: { command: process.execPath, args },
  };
}

function pytorch(workload: StepWorkload, threads: number, python: string, teacherForward: boolean): Participant {
  const variant = workload === 'kd' ? (teacherForward ? ', teacher forward' : ', cached logits') : '';
  return {
    label: `PyTorch (${plural(threads)}${variant})`,
    framework: 'pytorch',
    threads,
    ...(workload === 'kd' ? { teacherForward } : {}),
    command: {
      command: python,
      args: ['bench/pytorch/step_worker.py', '--workload', workload, '--threads', String(threads), ...(teacherForward ? ['--teacher-forward'] : [])],
      env: pytorchThreadEnv(threads),
    },
  };
}

/**
 * The runners of one workload: kdlab wasm (once: it has one thread), then for each thread count
 * kdlab node and PyTorch (for `kd`, PyTorch twice: with cached teacher logits, like kdlab, and with a
 * teacher forward every step, like a plain loop).
 */
export function participantsFor(workload: StepWorkload, settings: ParticipantSettings): Participant[] {
  const list: Participant[] = [];
  if (settings.backends.includes('wasm')) list.push(kdlab(workload, 'wasm', 1, settings.tsx));
  for (const threads of settings.threads) {
    if (settings.backends.includes('node')) list.push(kdlab(workload, 'node', threads, settings.tsx));
    if (settings.python === undefined) continue;
    list.push(pytorch(workload, threads, settings.python, false));
    if (workload === 'kd') list.push(pytorch(workload, threads, settings.python, true));
  }
  return list;
}
