import { dirname, resolve } from 'node:path';
import { describeSettings, PEERS, peerLabel, type PeerStatus } from '../peers/peers.js';
import { chooseSettings } from '../peers/settings.js';
import { ensureVenv, type VenvGroup } from '../peers/venv.js';
import type { StudyContenderId, StudyOptions } from './study-options.js';

/** The twins that run on a peer of the bench: the PyTorch 2 twin on `torch2`, the Keras twin on `keras`. */
export type TwinId = Exclude<StudyContenderId, 'kdlab'>;

/**
 * The peers behind the twins asked for, as the bench prepares them (bench/run.ts): the bench's
 * virtual environment made or reused offline (`ensureVenv`), each peer checked, and its processes'
 * settings (OpenBLAS variables, glibc malloc) chosen by bench/peers/settings.ts's probe unless fixed by
 * `--openblas-env` / `--peer-malloc`. A peer that cannot run carries its `error`.
 */
export async function prepareTwinPeers(options: StudyOptions, root: string, log: (line: string) => void = console.log): Promise<Map<TwinId, PeerStatus>> {
  const ids = options.contenders.filter((id): id is TwinId => id !== 'kdlab');
  const peers = new Map<TwinId, PeerStatus>();
  if (ids.length === 0) return peers;
  const groups = [...new Set(ids.map((id) => PEERS[id].venv).filter((group): group is VenvGroup => group !== undefined))];
  const venv = ensureVenv({ dir: resolve(root, options.venv), creator: options.venvPython, findLinks: options.wheels, logDir: resolve(root, dirname(options.json), 'logs') }, groups, log);
  for (const id of ids) {
    const definition = PEERS[id];
    const status: PeerStatus = { definition, label: peerLabel(id, undefined) };
    const group = definition.venv === undefined ? undefined : venv.groups[definition.venv];
    if (group?.error !== undefined) status.error = group.error;
    else if (venv.python === undefined) status.error = venv.error ?? 'no virtual environment';
    else status.python = venv.python;
    if (group?.versions !== undefined) log(`  venv ${options.venv}: ${id} ${group.how ?? ''} (${Object.entries(group.versions).map(([name, version]) => `${name} ${version}`).join(', ')})`);
    peers.set(id, status);
  }
  await chooseSettings([...peers.values()], { openblas: options.openblasEnv, malloc: options.peerMalloc, mkl: options.peerMkl }, { rounds: options.probeRounds, roundMs: 800, minSteps: 3 }, root, log);
  for (const peer of peers.values()) {
    if (peer.check !== undefined) peer.label = peerLabel(peer.definition.id, peer.check);
    if (peer.error !== undefined) log(`  ${peer.label}: not run (${peer.error})`);
    else log(`  ${peer.label}: ${peer.check?.framework ?? '?'}; its processes: ${describeSettings(peer.settings!)} (${peer.settings!.reason})`);
  }
  return peers;
}
