import { median } from '../report/stats.js';
import { peerParticipant } from '../steps/participants.js';
import { measureWorkload, type RoundSettings } from '../steps/run-steps.js';
import { checkPeer, describeSettings, type MallocSetting, type OpenblasSetting, type PeerCheck, type PeerSettings, type PeerStatus, type ProbeResult } from './peers.js';

/** `--openblas-env`: choose per peer by measuring (`auto`), or the same for every peer. */
export type OpenblasMode = 'auto' | OpenblasSetting;

/** `--peer-malloc`: choose per peer by measuring (`auto`), or the same for every peer. */
export type MallocMode = 'auto' | MallocSetting;

/**
 * The OpenBLAS settings worth trying for a peer, given what its check reported with the machine's
 * settings kept and with both unset: only `keep` when the machine sets neither variable, when the
 * peer's BLAS is not OpenBLAS (MKL, oneDNN: the variables do nothing) or when OpenBLAS picks the same
 * kernels either way; both when the kernels differ (the probe decides). The reason goes with a single
 * candidate.
 */
export function openblasCandidates(kept: PeerCheck, unset: PeerCheck | undefined): { candidates: OpenblasSetting[]; reason?: string } {
  if (Object.keys(kept.machineOpenblasSettings ?? {}).length === 0) return { candidates: ['keep'], reason: 'the machine sets neither OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE' };
  if (kept.blasCore === null || kept.blasCore === undefined) return { candidates: ['keep'], reason: `its matrix products use ${kept.blas ?? 'no BLAS found'}, not OpenBLAS` };
  if (unset === undefined) return { candidates: ['keep', 'unset'] };
  if (unset.blasCore === kept.blasCore) return { candidates: ['keep'], reason: `OpenBLAS picks ${kept.blasCore} either way` };
  return { candidates: ['keep', 'unset'] };
}

/** Every combination of the candidate settings, the machine's and malloc's defaults first. */
export function settingCandidates(openblas: readonly OpenblasSetting[], malloc: readonly MallocSetting[]): PeerSettings[] {
  return openblas.flatMap((setting) => malloc.map((allocator) => ({ openblas: setting, malloc: allocator })));
}

/**
 * The candidate with the lowest median processor time per step; the first (the defaults) on a tie or
 * when none was measured, so that a setting is changed only when that is faster.
 */
export function fastestCandidate(results: readonly ProbeResult[]): ProbeResult | undefined {
  let best: ProbeResult | undefined;
  for (const result of results) {
    if (result.cpuMs === undefined) continue;
    if (best === undefined || result.cpuMs < best.cpuMs!) best = result;
  }
  return best ?? results[0];
}

function describeProbe(result: ProbeResult): string {
  if (result.error !== undefined) return `${describeSettings(result)}: failed (${result.error})`;
  const cpu = result.cpuMs === undefined ? 'not measured' : `${result.cpuMs.toFixed(1)} CPU ms`;
  const wall = result.wallMs === undefined ? '' : `, ${result.wallMs.toFixed(1)} ms wall`;
  const memory = result.peakRssKb === undefined ? '' : `, ${(result.peakRssKb / 1024).toFixed(0)} MiB`;
  return `${describeSettings(result)}: ${cpu}${wall}${memory}`;
}

/**
 * Decides each peer's settings and runs its check under the chosen OpenBLAS setting (so the kernels
 * reported are the ones its processes load). The candidates: the OpenBLAS settings of
 * {@link openblasCandidates} (`--openblas-env auto`) or the one asked for, times malloc's defaults and
 * tuned (`--peer-malloc auto`) or the one asked for. With more than one candidate, a probe: the peer's
 * KD step (cached logits, 1 thread), one process per candidate, alternating for `probe.rounds` rounds;
 * the lowest median processor time per step wins (processor time: other processes on a shared machine
 * disturb it far less than wall time). Updates each peer's `settings` and `check` (its `error` when
 * its check fails).
 */
export async function chooseSettings(peers: PeerStatus[], modes: { openblas: OpenblasMode; malloc: MallocMode }, probe: RoundSettings, root: string, log: (line: string) => void = console.log): Promise<void> {
  for (const peer of peers) {
    if (peer.error !== undefined || peer.python === undefined) continue;
    try {
      const kept = await checkPeer(peer.definition, peer.python, 'keep', root);
      const hasOpenblas = kept.blasCore !== null && kept.blasCore !== undefined && Object.keys(kept.machineOpenblasSettings ?? {}).length > 0;
      const unset = hasOpenblas || modes.openblas === 'unset' ? await checkPeer(peer.definition, peer.python, 'unset', root) : undefined;
      const openblas = modes.openblas === 'auto' ? openblasCandidates(kept, unset) : { candidates: [modes.openblas], reason: `--openblas-env ${modes.openblas}` };
      const malloc: MallocSetting[] = modes.malloc === 'auto' ? ['default', 'tuned'] : [modes.malloc];
      const candidates = settingCandidates(openblas.candidates, malloc);
      const cores = hasOpenblas ? { keepCore: kept.blasCore, unsetCore: unset?.blasCore ?? null } : {};
      if (candidates.length === 1) {
        const only = candidates[0]!;
        const reasons = [openblas.reason ? `OpenBLAS variables: ${openblas.reason}` : '', modes.malloc === 'auto' ? '' : `malloc: --peer-malloc ${modes.malloc}`].filter((text) => text !== '');
        peer.settings = { ...only, reason: reasons.join('; '), ...(openblas.reason ? { openblasNote: openblas.reason } : {}), ...cores };
        peer.check = only.openblas === 'keep' ? kept : unset!;
        continue;
      }
      log(`  ${peer.label}: timing its KD step under ${candidates.map(describeSettings).join(' / ')}${hasOpenblas ? ` (OpenBLAS picks ${kept.blasCore} with the machine's settings, ${unset?.blasCore ?? '?'} without)` : ''}`);
      const participants = candidates.map((settings) => ({ ...peerParticipant('kd', 1, peer, false, settings), label: `${peer.label} (${describeSettings(settings)})` }));
      const measured = await measureWorkload('kd', participants, probe, root);
      const results: ProbeResult[] = candidates.map((settings, index) => {
        const result = measured[index]!;
        const cpuMs = median(result.cpuRoundMedians ?? []);
        const wallMs = median(result.roundMedians);
        return {
          ...settings,
          ...(cpuMs !== undefined ? { cpuMs } : {}),
          ...(wallMs !== undefined ? { wallMs } : {}),
          ...(result.peakRssKb !== undefined ? { peakRssKb: result.peakRssKb } : {}),
          ...(result.error !== undefined ? { error: result.error } : {}),
        };
      });
      const best = fastestCandidate(results)!;
      const notes = [openblas.reason ? `OpenBLAS variables kept: ${openblas.reason}` : ''].filter((text) => text !== '');
      peer.settings = {
        openblas: best.openblas,
        malloc: best.malloc,
        reason: `${notes.map((note) => `${note}; `).join('')}probe, KD step (cached logits, 1 thread), median of ${probe.rounds} alternating rounds: ${results.map(describeProbe).join('; ')}`,
        ...(openblas.reason ? { openblasNote: openblas.reason } : {}),
        ...cores,
        probe: results,
      };
      peer.check = best.openblas === 'keep' ? kept : unset!;
    } catch (error) {
      peer.error = `check failed: ${(error as Error).message}`;
    }
  }
}
