import { execFileSync } from 'node:child_process';
import { ANSWER_PREFIX } from './steps/protocol.js';

/** What the PyTorch peer is (bench/pytorch/check.py), or why it cannot run. */
export interface PytorchPeer {
  /** torch's version. */
  torch?: string;
  /** The BLAS library torch loaded, or `null` when none was found. */
  blas?: string | null;
  /** Whether that BLAS is OpenBLAS or MKL (not the reference implementation). */
  optimizedBlas?: boolean;
  /** OpenBLAS's kernels for this CPU (`openblas_get_corename()`), or `null` for another BLAS. */
  blasCore?: string | null;
  /** `unset`: the peer's processes drop the machine's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (OpenBLAS picks its kernels); `keep`: they keep them. */
  openblasEnv?: 'unset' | 'keep';
  /** The machine's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, where set. */
  machineOpenblasSettings?: Record<string, string>;
  /** Why PyTorch cannot run. */
  error?: string;
}

/** Runs bench/pytorch/check.py with `python` from `root`. */
export function checkPytorchPeer(python: string, root: string): PytorchPeer {
  try {
    const output = execFileSync(python, ['bench/pytorch/check.py'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = output.split('\n').find((text) => text.startsWith(ANSWER_PREFIX));
    return line === undefined ? { error: 'bench/pytorch/check.py printed no answer' } : (JSON.parse(line.slice(ANSWER_PREFIX.length)) as PytorchPeer);
  } catch (error) {
    return { error: ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1) ?? 'failed' };
  }
}

/** The environment that pins PyTorch's BLAS and OpenMP threads (read when the libraries load). */
export function pytorchThreadEnv(threads: number): Record<string, string> {
  return { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
}
