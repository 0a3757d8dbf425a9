import { peerEnv, settingsOf, type PeerId, type PeerSettings, type PeerStatus } from '../peers/peers.js';
import { kdlabWorkerBundle } from './kdlab-worker-bundle.js';
import type { StepWorkload } from './kdlab-workloads.js';
import type { Participant } from './run-steps.js';

/** Who runs the step comparison, and how they are started. */
export interface ParticipantSettings {
  /** kdlab backends to time. */
  backends: ReadonlyArray<'wasm' | 'node'>;
  /** Thread counts of tfjs-node and the peers. */
  threads: readonly number[];
  /** The peers that can run (with their Python and OpenBLAS setting). */
  peers: readonly PeerStatus[];
  /** The `--import` argument that loads tsx (kdlab's worker runs under it only where it cannot be bundled). */
  tsx: string;
}

function plural(threads: number): string {
  return `${threads} thread${threads > 1 ? 's' : ''}`;
}

/**
 * How kdlab's worker starts: bundled and run by plain `node` (as an installed kdlab runs its compiled
 * code; tsx's loader would add ~90 MiB to the peak memory measured, bench/native/MEMORY.md), else
 * from source under tsx.
 */
function kdlabWorkerArgs(tsx: string): string[] {
  try {
    return [kdlabWorkerBundle()];
  } catch (error) {
    console.warn(`kdlab's bench worker could not be bundled (${(error as Error).message.split('\n')[0]}): it runs under tsx, which adds ~90 MiB to its memory.`);
    return ['--conditions=@kdlab/source', '--import', tsx, 'bench/steps/kdlab-worker.ts'];
  }
}

function kdlab(workload: StepWorkload, backend: 'wasm' | 'node', threads: number, tsx: string): Participant {
  const args = [...kdlabWorkerArgs(tsx), '--workload', workload, '--backend', backend];
  if (backend === 'node') args.push('--threads', String(threads));
  return {
    label: backend === 'wasm' ? 'kdlab wasm (1 thread)' : `kdlab node (${plural(threads)})`,
    framework: 'kdlab',
    backend,
    threads: backend === 'wasm' ? 1 : threads,
    command: { command: process.execPath, args },
  };
}

/**
 * One peer's runner of a workload, in its own process with the peer's settings (`settings` overrides
 * them: the probe that chooses them runs each candidate).
 */
export function peerParticipant(workload: StepWorkload, threads: number, peer: PeerStatus, teacherForward: boolean, settings: PeerSettings = settingsOf(peer)): Participant {
  const variant = workload === 'kd' ? (teacherForward ? ', teacher forward' : ', cached logits') : '';
  return {
    label: `${peer.label} (${plural(threads)}${variant})`,
    framework: 'peer',
    peer: peer.definition.id as PeerId,
    threads,
    ...(workload === 'kd' ? { teacherForward } : {}),
    command: {
      command: peer.python!,
      args: [peer.definition.stepScript, '--workload', workload, '--threads', String(threads), ...(teacherForward ? ['--teacher-forward'] : [])],
      env: peerEnv(peer.definition, threads, settings),
    },
  };
}

/**
 * The runners of one workload: kdlab wasm (once: it has one thread), then for each thread count
 * kdlab node and each peer that has the workload (for `kd`, each peer twice: with cached teacher
 * logits, like kdlab, and with a teacher forward every step, like a plain loop or Keras' distiller
 * as it is used).
 */
export function participantsFor(workload: StepWorkload, settings: ParticipantSettings): Participant[] {
  const list: Participant[] = [];
  if (settings.backends.includes('wasm')) list.push(kdlab(workload, 'wasm', 1, settings.tsx));
  for (const threads of settings.threads) {
    if (settings.backends.includes('node')) list.push(kdlab(workload, 'node', threads, settings.tsx));
    for (const peer of settings.peers) {
      if (peer.error !== undefined || peer.python === undefined || !peer.definition.stepWorkloads.includes(workload)) continue;
      list.push(peerParticipant(workload, threads, peer, false));
      if (workload === 'kd') list.push(peerParticipant(workload, threads, peer, true));
    }
  }
  return list;
}
