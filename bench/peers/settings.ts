import { median } from '../report/stats.js';
import { peerParticipant } from '../steps/participants.js';
import { measureWorkload, type RoundSettings } from '../steps/run-steps.js';
import { ensureMklShim, onMklGenericPath } from './mkl-intel-path.js';
import { checkPeer, describeSettings, type MallocSetting, type OpenblasSetting, type PeerCheck, type PeerSettings, type PeerStatus, type ProbeResult } from './peers.js';

/** `--openblas-env`: choose per peer by measuring (`auto`), or the same for every peer. */
export type OpenblasMode = 'auto' | OpenblasSetting;

/** `--peer-malloc`: choose per peer by measuring (`auto`), or the same for every peer. */
export type MallocMode = 'auto' | MallocSetting;

/**
 * `--peer-mkl`: for a peer whose MKL takes its generic code path (a non-Intel processor), try MKL's
 * Intel code path (the shim of bench/peers/mkl_intel_path.c preloaded) and keep it if faster (`auto`),
 * always use it (`intel-path`) or never (`dispatch`: MKL's own choice).
 */
export type MklMode = 'auto' | 'dispatch' | 'intel-path';

/** Parses `--openblas-env`; `script` names the command in the error. */
export function parseOpenblasMode(text: string, script: string): OpenblasMode {
  if (text === 'auto' || text === 'unset' || text === 'keep') return text;
  throw new Error(`${script}: --openblas-env must be auto, unset or keep, got "${text}"`);
}

/** Parses `--peer-malloc`; `script` names the command in the error. */
export function parseMallocMode(text: string, script: string): MallocMode {
  if (text === 'auto' || text === 'default' || text === 'tuned') return text;
  throw new Error(`${script}: --peer-malloc must be auto, default or tuned, got "${text}"`);
}

/** Parses `--peer-mkl`; `script` names the command in the error. */
export function parseMklMode(text: string, script: string): MklMode {
  if (text === 'auto' || text === 'dispatch' || text === 'intel-path') return text;
  throw new Error(`${script}: --peer-mkl must be auto, dispatch or intel-path, got "${text}"`);
}

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

/**
 * Every combination of the candidate settings, the machine's, malloc's and MKL's defaults first (an
 * `undefined` MKL shim: MKL's own dispatch).
 */
export function settingCandidates(openblas: readonly OpenblasSetting[], malloc: readonly MallocSetting[], mklShims: readonly (string | undefined)[] = [undefined]): PeerSettings[] {
  return mklShims.flatMap((mklShim) => openblas.flatMap((setting) => malloc.map((allocator) => ({ openblas: setting, malloc: allocator, ...(mklShim !== undefined ? { mklShim } : {}) }))));
}

/**
 * The MKL shims worth trying for a peer: none unless its MKL is on the generic code path; then, unless
 * `--peer-mkl dispatch`, the shim (built on first use), checked to really move MKL off the generic path.
 * Returns the candidates (`undefined`: MKL's own dispatch), the check under the shim, and a note when it
 * was not tried.
 */
async function mklCandidates(peer: PeerStatus, kept: PeerCheck, mode: MklMode, root: string, shimDir: string): Promise<{ shims: (string | undefined)[]; shimCheck?: PeerCheck; note?: string }> {
  if (!onMklGenericPath(kept)) return { shims: [undefined], ...(mode === 'intel-path' ? { note: `--peer-mkl intel-path: its MKL is not on the generic code path (${kept.mklCodePath ?? 'no MKL'})` } : {}) };
  if (mode === 'dispatch') return { shims: [undefined], note: 'MKL on its generic code path (--peer-mkl dispatch)' };
  const shim = ensureMklShim(root, shimDir);
  if ('error' in shim) return { shims: [undefined], note: `MKL on its generic code path; its Intel code path not tried: ${shim.error}` };
  const shimCheck = await checkPeer(peer.definition, peer.python!, 'keep', root, shim.path);
  if (onMklGenericPath(shimCheck)) return { shims: [undefined], note: "MKL on its generic code path; the shim did not move it (this MKL's vendor check is not exported)" };
  return { shims: mode === 'intel-path' ? [shim.path] : [undefined, shim.path], shimCheck };
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
 * tuned (`--peer-malloc auto`) or the one asked for, times (for a peer whose MKL takes its generic code
 * path) MKL's own dispatch and its Intel code path through the preloaded shim (`--peer-mkl auto`). With more than one candidate, a probe: the peer's
 * KD step (cached logits, 1 thread), one process per candidate, alternating for `probe.rounds` rounds;
 * the lowest median processor time per step wins (processor time: other processes on a shared machine
 * disturb it far less than wall time). Updates each peer's `settings` and `check` (its `error` when
 * its check fails).
 */
export async function chooseSettings(
  peers: PeerStatus[],
  modes: { openblas: OpenblasMode; malloc: MallocMode; mkl?: MklMode; shimDir?: string },
  probe: RoundSettings,
  root: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  for (const peer of peers) {
    if (peer.error !== undefined || peer.python === undefined) continue;
    try {
      const kept = await checkPeer(peer.definition, peer.python, 'keep', root);
      const hasOpenblas = kept.blasCore !== null && kept.blasCore !== undefined && Object.keys(kept.machineOpenblasSettings ?? {}).length > 0;
      const unset = hasOpenblas || modes.openblas === 'unset' ? await checkPeer(peer.definition, peer.python, 'unset', root) : undefined;
      const openblas = modes.openblas === 'auto' ? openblasCandidates(kept, unset) : { candidates: [modes.openblas], reason: `--openblas-env ${modes.openblas}` };
      const malloc: MallocSetting[] = modes.malloc === 'auto' ? ['default', 'tuned'] : [modes.malloc];
      const mkl = await mklCandidates(peer, kept, modes.mkl ?? 'auto', root, modes.shimDir ?? '.kdlab/bench');
      if (mkl.note !== undefined) log(`  ${peer.label}: ${mkl.note}`);
      const candidates = settingCandidates(openblas.candidates, malloc, mkl.shims);
      const cores = hasOpenblas ? { keepCore: kept.blasCore, unsetCore: unset?.blasCore ?? null } : {};
      const mklFacts = { ...(mkl.shimCheck !== undefined ? { mklCodePaths: { dispatch: kept.mklCodePath ?? null, shim: mkl.shimCheck.mklCodePath ?? null } } : {}), ...(mkl.note !== undefined ? { mklNote: mkl.note } : {}) };
      /** The check under a candidate's settings (the shim's check was run under the machine's OpenBLAS settings: a peer on MKL has no OpenBLAS to set). */
      const checkFor = (settings: PeerSettings): PeerCheck => (settings.mklShim !== undefined ? mkl.shimCheck! : settings.openblas === 'keep' ? kept : unset!);
      if (candidates.length === 1) {
        const only = candidates[0]!;
        const reasons = [openblas.reason ? `OpenBLAS variables: ${openblas.reason}` : '', modes.malloc === 'auto' ? '' : `malloc: --peer-malloc ${modes.malloc}`, mkl.note ?? ''].filter((text) => text !== '');
        peer.settings = { ...only, reason: reasons.join('; '), ...(openblas.reason ? { openblasNote: openblas.reason } : {}), ...cores, ...mklFacts };
        peer.check = checkFor(only);
        continue;
      }
      const mklPaths = mkl.shimCheck !== undefined ? ` (MKL: ${kept.mklCodePath ?? '?'} by its own dispatch, ${mkl.shimCheck.mklCodePath ?? '?'} with the shim)` : '';
      log(`  ${peer.label}: timing its KD step under ${candidates.map(describeSettings).join(' / ')}${hasOpenblas ? ` (OpenBLAS picks ${kept.blasCore} with the machine's settings, ${unset?.blasCore ?? '?'} without)` : ''}${mklPaths}`);
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
      const notes = [openblas.reason ? `OpenBLAS variables kept: ${openblas.reason}` : '', mkl.note ?? ''].filter((text) => text !== '');
      peer.settings = {
        openblas: best.openblas,
        malloc: best.malloc,
        ...(best.mklShim !== undefined ? { mklShim: best.mklShim } : {}),
        reason: `${notes.map((note) => `${note}; `).join('')}probe, KD step (cached logits, 1 thread), median of ${probe.rounds} alternating rounds: ${results.map(describeProbe).join('; ')}`,
        ...(openblas.reason ? { openblasNote: openblas.reason } : {}),
        ...cores,
        ...mklFacts,
        probe: results,
      };
      peer.check = checkFor(best);
    } catch (error) {
      peer.error = `check failed: ${(error as Error).message}`;
    }
  }
}
