import { describeSettings, type PeerStatus, type ProbeResult } from '../peers/peers.js';
import { fixed, markdownTable, mebibytes } from './markdown.js';

/** `convolution jit:avx512_core, gemm_api`: the oneDNN primitives seen and their implementations. */
function onednnKernels(kernels: Record<string, string> | undefined): string {
  if (kernels === undefined) return '';
  return Object.entries(kernels)
    .map(([kind, implementation]) => (implementation === '' || implementation === '(unnamed)' ? kind : `${kind} ${implementation}`))
    .join(', ');
}

/** What the peer's OpenBLAS kernels were with each setting: `Cooperlake (unset; Haswell kept)`. */
function openblasCores(peer: PeerStatus): string {
  const choice = peer.settings;
  const core = peer.check?.blasCore;
  if (core === null || core === undefined) return 'not OpenBLAS';
  if (choice?.keepCore !== undefined && choice.unsetCore !== undefined && choice.keepCore !== choice.unsetCore) {
    const other = choice.openblas === 'unset' ? `${choice.keepCore ?? '?'} with the machine's settings` : `${choice.unsetCore ?? '?'} with them unset`;
    return `${core} (${other})`;
  }
  return core;
}

/** MKL's code path in the peer's processes, and the one of MKL's own dispatch when the shim changed it. */
function mklCell(peer: PeerStatus): string {
  const check = peer.check!;
  const path = check.mklCodePath ?? (check.mkl ? 'MKL (code path not reported)' : '-');
  const paths = peer.settings?.mklCodePaths;
  if (paths === undefined) return path;
  if (peer.settings?.mklShim !== undefined) return `${path} (the shim preloaded; by its own dispatch: ${paths.dispatch ?? '?'})`;
  return `${path} (with the shim, slower here: ${paths.shim ?? '?'})`;
}

/** MKL's code path in one candidate of the settings probe (`-` where the shim was not tried). */
function mklProbeCell(peer: PeerStatus, result: ProbeResult): string {
  const paths = peer.settings?.mklCodePaths;
  if (paths === undefined) return '-';
  return result.mklShim !== undefined ? `shim: ${paths.shim ?? '?'}` : `own dispatch: ${paths.dispatch ?? '?'}`;
}

/** The settings of a peer's processes and, briefly, why. */
function settingsCell(peer: PeerStatus): string {
  const choice = peer.settings;
  if (choice === undefined) return '-';
  if (choice.probe === undefined) return `${describeSettings(choice)} (${choice.reason})`;
  return `${describeSettings(choice)} (${choice.openblasNote ? `OpenBLAS variables kept: ${choice.openblasNote}; ` : ''}the fastest in the settings probe)`;
}

/**
 * The settings probe: per peer, each candidate setting's KD step (cached logits, 1 thread) as the
 * median over the probe's rounds of processor and wall time per step, and its process's peak memory;
 * the chosen one marked. The MKL column says which code path MKL took, where the shim was tried.
 */
export function settingsProbeTable(peers: readonly PeerStatus[]): string {
  const rows: string[][] = [];
  for (const peer of peers) {
    for (const result of peer.settings?.probe ?? []) {
      const chosen = result.openblas === peer.settings!.openblas && result.malloc === peer.settings!.malloc && result.mklShim === peer.settings!.mklShim;
      rows.push([
        peer.label,
        `OPENBLAS_CORETYPE / L2_SIZE ${result.openblas === 'keep' ? 'kept' : 'unset'}${result.openblas === 'keep' ? (peer.settings!.keepCore ? ` (${peer.settings!.keepCore})` : '') : peer.settings!.unsetCore ? ` (${peer.settings!.unsetCore})` : ''}`,
        result.malloc,
        mklProbeCell(peer, result),
        result.error !== undefined ? `failed: ${result.error}` : fixed(result.cpuMs, 1),
        fixed(result.wallMs, 1),
        mebibytes(result.peakRssKb),
        chosen ? 'chosen' : '',
      ]);
    }
  }
  if (rows.length === 0) return '(no probe ran: no peer had more than one candidate setting)';
  return markdownTable(['peer', 'OpenBLAS variables (kernels)', 'malloc', 'MKL code path', 'KD step CPU ms (median)', 'wall ms (median)', 'peak RSS MiB', ''], rows, [4, 5, 6]);
}

/**
 * The kernels table: for each peer, its versions, what its matrix products call, OpenBLAS's kernel
 * family, MKL's code path, oneDNN's ISA and the implementations seen, ATen's CPU capability or the
 * instructions TensorFlow's own kernels were built without, the GFLOP/s of one [128, 784] x [784, 800]
 * product on 1 thread, and the settings of its processes (OpenBLAS variables, malloc) with the reason.
 */
export function kernelTable(peers: readonly PeerStatus[]): string {
  const rows = peers.map((peer) => {
    const check = peer.check;
    if (peer.error !== undefined || check === undefined) return [peer.label, `not run: ${peer.error ?? 'no check'}`, '', '', '', '', '', '', ''];
    const other = [
      check.cpuCapability ? `ATen CPU capability ${check.cpuCapability}` : '',
      check.parallel ? `${check.parallel} threads` : '',
      check.onednnOpts !== undefined ? `TF oneDNN ops ${check.onednnOpts ? 'on' : 'off'}` : '',
      check.tfBuiltWithout ? `TF's own kernels built without ${check.tfBuiltWithout}` : '',
    ].filter((text) => text !== '');
    const onednn = [check.onednn?.replace(/ \(commit.*\)$/, ''), check.onednnIsa, onednnKernels(check.onednnKernels)].filter((text) => text !== undefined && text !== null && text !== '');
    return [
      peer.label,
      `${check.framework ?? '?'}${check.python ? `, Python ${check.python}` : ''}`,
      check.blas ?? 'none found',
      openblasCores(peer),
      mklCell(peer),
      onednn.length > 0 ? onednn.join('; ') : '-',
      other.join('; ') || '-',
      fixed(check.gemmGflops, 0),
      settingsCell(peer),
    ];
  });
  return markdownTable(
    ['peer', 'framework', 'matrix products', 'OpenBLAS kernels', 'MKL code path', 'oneDNN: version; ISA; primitives seen', 'other', 'GEMM GFLOP/s (128x784x800, 1 thread)', 'its processes: OPENBLAS_CORETYPE / L2_SIZE, malloc, MKL (why)'],
    rows,
    [7],
  );
}
