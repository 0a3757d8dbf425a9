import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { StepWorkload } from '../steps/kdlab-workloads.js';
import { ANSWER_PREFIX } from '../steps/protocol.js';
import type { VenvGroup } from './venv.js';

/** The peers kdlab is compared with, by name. */
export const PEER_IDS = ['torch1', 'torch2', 'keras'] as const;

/** One of {@link PEER_IDS}. */
export type PeerId = (typeof PEER_IDS)[number];

/** The OpenBLAS setting of a peer's processes: `keep` the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, or `unset` both. */
export type OpenblasSetting = 'keep' | 'unset';

/** glibc malloc in a peer's processes: its `default` behaviour, or `tuned` ({@link TUNED_MALLOC_ENV}). */
export type MallocSetting = 'default' | 'tuned';

/**
 * glibc malloc tuned for a training loop that frees and re-allocates the same large buffers every step:
 * buffers up to 64 MiB come from the heap (not a fresh `mmap` each time), and the heap keeps up to 128
 * MiB of freed memory instead of returning it to the system, so a step does not page-fault its buffers
 * in again. With glibc's defaults a PyTorch process on this machine spent 9-17 ms of a 36-59 ms (median)
 * KD step in the kernel, 1,400-3,300 page faults per step; tuned, 0-30 faults and 12.5-15 ms. Read by
 * glibc when the process starts, so set in the spawned environment.
 */
export const TUNED_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(64 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(128 * 2 ** 20),
  MALLOC_TOP_PAD_: String(64 * 2 ** 20),
};

/** The environment settings of a peer's processes. */
export interface PeerSettings {
  /** OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE kept or unset. */
  openblas: OpenblasSetting;
  /** glibc malloc's defaults or tuned. */
  malloc: MallocSetting;
  /**
   * The shim (bench/peers/mkl_intel_path.c, built by bench/peers/mkl-intel-path.ts) preloaded so that
   * MKL takes the code path of the processor's instruction sets instead of its generic one; absent:
   * MKL's own dispatch.
   */
  mklShim?: string;
}

/** `OpenBLAS env unset, malloc tuned` (`, MKL's Intel code path` when the MKL shim is preloaded). */
export function describeSettings(settings: PeerSettings): string {
  return `OpenBLAS env ${settings.openblas === 'keep' ? 'kept' : 'unset'}, malloc ${settings.malloc}${settings.mklShim !== undefined ? ", MKL's Intel code path" : ''}`;
}

/** How a peer is run. */
export interface PeerDefinition {
  /** Its name in `--peers`. */
  id: PeerId;
  /** What it is, in words. */
  description: string;
  /** `pytorch` (bench/pytorch) or `keras` (bench/keras). */
  framework: 'pytorch' | 'keras';
  /** The packages it needs in the bench's virtual environment (none: it runs on `--python`). */
  venv?: VenvGroup;
  /** Reports its versions and kernels (one `@@bench` line). */
  checkScript: string;
  /** Serves a step workload (bench/steps/protocol.ts). */
  stepScript: string;
  /** Runs the end-to-end sweep. */
  sweepScript: string;
  /** The step workloads it has. */
  stepWorkloads: readonly StepWorkload[];
  /** Extra environment of its processes. */
  env: Record<string, string>;
}

const ALL_WORKLOADS: readonly StepWorkload[] = ['mlp', 'kd', 'hint', 'cnn', 'transformer'];

/** The peers: Debian's PyTorch (the historical peer), PyTorch 2 and Keras 3's distiller from the bench's virtual environment. */
export const PEERS: Record<PeerId, PeerDefinition> = {
  torch1: {
    id: 'torch1',
    description: "Debian's python3-torch (1.13) on the system python3, with the system BLAS (OpenBLAS)",
    framework: 'pytorch',
    checkScript: 'bench/pytorch/check.py',
    stepScript: 'bench/pytorch/step_worker.py',
    sweepScript: 'bench/pytorch/sweep.py',
    stepWorkloads: ALL_WORKLOADS,
    env: {},
  },
  torch2: {
    id: 'torch2',
    description: 'PyTorch 2.13 (torch-2.13.0+cpu wheel: MKL and oneDNN linked in) in the bench virtual environment',
    framework: 'pytorch',
    venv: 'torch2',
    checkScript: 'bench/pytorch/check.py',
    stepScript: 'bench/pytorch/step_worker.py',
    sweepScript: 'bench/pytorch/sweep.py',
    stepWorkloads: ALL_WORKLOADS,
    env: {},
  },
  keras: {
    id: 'keras',
    description: "Keras 3.15's keras.distillation.Distiller + LogitsDistillation on TensorFlow 2.21 (tensorflow-cpu wheel), in the bench virtual environment",
    framework: 'keras',
    venv: 'keras',
    checkScript: 'bench/keras/check.py',
    stepScript: 'bench/keras/step_worker.py',
    sweepScript: 'bench/keras/sweep.py',
    stepWorkloads: ['kd'],
    env: { KERAS_BACKEND: 'tensorflow' },
  },
};

/** What a peer's check script reports (bench/pytorch/check.py, bench/keras/check.py). */
export interface PeerCheck {
  /** The framework and version, in words (`PyTorch 2.13.0+cpu`, `Keras 3.15.1 on TensorFlow 2.21.0`). */
  framework?: string;
  /** The Python's version. */
  python?: string;
  /** torch's version. */
  torch?: string;
  /** Keras' version. */
  keras?: string;
  /** TensorFlow's version. */
  tensorflow?: string;
  /** Keras' backend. */
  backend?: string;
  /** Whether `keras.distillation.Distiller` and `LogitsDistillation` exist. */
  distiller?: boolean;
  /** What the matrix products call (a library path, MKL linked in, oneDNN). */
  blas?: string | null;
  /** Whether that is an optimised BLAS (not the reference implementation). */
  optimizedBlas?: boolean;
  /** OpenBLAS's kernel family (`openblas_get_corename()`), or `null` for another BLAS. */
  blasCore?: string | null;
  /** MKL's version. */
  mkl?: string | null;
  /** MKL's code path, from MKL_VERBOSE's first line. */
  mklCodePath?: string | null;
  /** oneDNN's version. */
  onednn?: string | null;
  /** oneDNN's ISA (ONEDNN_VERBOSE). */
  onednnIsa?: string | null;
  /** The implementation of each oneDNN primitive seen (`convolution: jit:avx512_core`). */
  onednnKernels?: Record<string, string>;
  /** ATen's CPU capability (torch.__config__). */
  cpuCapability?: string | null;
  /** ATen's parallel backend. */
  parallel?: string | null;
  /** Whether TensorFlow's oneDNN operations are on. */
  onednnOpts?: boolean;
  /** The instructions TensorFlow's own kernels were built without (cpu_feature_guard). */
  tfBuiltWithout?: string | null;
  /** GFLOP/s of one [128, 784] x [784, 800] product at the bench's threads. */
  gemmGflops?: number;
  /** The OpenBLAS setting the check ran under. */
  openblasEnv?: OpenblasSetting;
  /** The machine's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, where set. */
  machineOpenblasSettings?: Record<string, string>;
  /** Why the kernel probe failed. */
  kernelProbeError?: string;
}

/** One candidate of the probe that chooses a peer's settings, and what its KD step measured. */
export interface ProbeResult extends PeerSettings {
  /** Median over the probe's rounds of the round's median processor time per step, ms. */
  cpuMs?: number;
  /** The same for wall time, ms. */
  wallMs?: number;
  /** The probe process's peak resident set, KiB. */
  peakRssKb?: number;
  /** Why it did not run. */
  error?: string;
}

/** The settings chosen for a peer's processes, and why. */
export interface SettingsChoice extends PeerSettings {
  /** Why, in words (with the probe's figures, when there was one). */
  reason: string;
  /** Why the OpenBLAS variables were not probed (when they were not). */
  openblasNote?: string;
  /** OpenBLAS's kernels with the machine's settings kept. */
  keepCore?: string | null;
  /** OpenBLAS's kernels with both unset. */
  unsetCore?: string | null;
  /** The probe's candidates, when there was a probe. */
  probe?: ProbeResult[];
  /** MKL's code path by its own dispatch and with the shim preloaded, when the shim was tried. */
  mklCodePaths?: { dispatch: string | null; shim: string | null };
  /** Why MKL's Intel code path was not tried, when the peer's MKL was on its generic path. */
  mklNote?: string;
}

/** A peer as this run found it. */
export interface PeerStatus {
  /** How it runs. */
  definition: PeerDefinition;
  /** Its label in the tables (`PyTorch 1.13 (Debian)`). */
  label: string;
  /** Its Python. */
  python?: string;
  /** What its check reported, under the chosen OpenBLAS setting. */
  check?: PeerCheck;
  /** Its processes' settings (OpenBLAS variables, malloc). */
  settings?: SettingsChoice;
  /** Why it does not run. */
  error?: string;
}

/** `2.13` from `2.13.0+cpu`. */
function majorMinor(version: string | undefined): string {
  return version?.split('.').slice(0, 2).join('.') ?? '';
}

/** A peer's label in the tables, from its check. */
export function peerLabel(id: PeerId, check: PeerCheck | undefined): string {
  if (id === 'torch1') return `PyTorch ${majorMinor(check?.torch) || '1.13'} (Debian)`;
  if (id === 'torch2') return `PyTorch ${majorMinor(check?.torch) || '2.13'}`;
  return `Keras ${majorMinor(check?.keras) || '3.15'} distiller (TF ${majorMinor(check?.tensorflow) || '2.21'})`;
}

/** The environment that pins a peer's BLAS and OpenMP threads (read when the libraries load). */
export function peerThreadEnv(threads: number): Record<string, string> {
  return { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
}

/**
 * The environment of one of a peer's processes: its threads, its OpenBLAS setting (applied by
 * bench/pytorch/runtime.py before the BLAS loads), malloc's settings when tuned, the MKL shim preloaded
 * when chosen (before any LD_PRELOAD the bench itself runs under), its own variables.
 */
export function peerEnv(peer: PeerDefinition, threads: number, settings: PeerSettings): Record<string, string> {
  const preload: Record<string, string> = settings.mklShim === undefined ? {} : { LD_PRELOAD: [settings.mklShim, process.env.LD_PRELOAD].filter((path) => path !== undefined && path !== '').join(' ') };
  return { ...peerThreadEnv(threads), KDLAB_BENCH_OPENBLAS_ENV: settings.openblas, ...(settings.malloc === 'tuned' ? TUNED_MALLOC_ENV : {}), ...preload, ...peer.env };
}

/** A peer's chosen settings, or the defaults (machine's OpenBLAS settings, malloc's defaults, MKL's own dispatch) before they are chosen. */
export function settingsOf(peer: PeerStatus): PeerSettings {
  return { openblas: peer.settings?.openblas ?? 'keep', malloc: peer.settings?.malloc ?? 'default', ...(peer.settings?.mklShim !== undefined ? { mklShim: peer.settings.mklShim } : {}) };
}

const run = promisify(execFile);

/** Runs a peer's check script with `python` under an OpenBLAS setting (and the MKL shim, when given); throws with the script's last error line. */
export async function checkPeer(peer: PeerDefinition, python: string, openblas: OpenblasSetting, root: string, mklShim?: string): Promise<PeerCheck> {
  try {
    const { stdout } = await run(python, [peer.checkScript], { cwd: root, env: { ...process.env, ...peerEnv(peer, 1, { openblas, malloc: 'default', ...(mklShim !== undefined ? { mklShim } : {}) }) }, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
    const line = stdout.split('\n').find((text) => text.startsWith(ANSWER_PREFIX));
    if (line === undefined) throw new Error(`${peer.checkScript} printed no answer`);
    return JSON.parse(line.slice(ANSWER_PREFIX.length)) as PeerCheck;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const lines = stderr.split('\n').map((text) => text.trim()).filter((text) => text !== '');
    throw new Error(([...lines].reverse().find((text) => /error/i.test(text)) ?? lines.at(-1) ?? (error as Error).message).slice(0, 300));
  }
}
