import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PeerCheck } from './peers.js';

/** MKL's name for its generic code path, the one it takes on a processor it does not know as Intel's (MKL_VERBOSE's first line). */
const GENERIC_CODE_PATH = 'Intel(R) Architecture processors';

/**
 * Whether a peer's matrix products run on MKL's generic code path: MKL found (its check read
 * MKL_VERBOSE) and the code path it reported is the generic one. On an Intel processor MKL reports its
 * instruction-set path (`Intel(R) Advanced Vector Extensions 512 ...`) and nothing is tried.
 */
export function onMklGenericPath(check: PeerCheck): boolean {
  return typeof check.mklCodePath === 'string' && check.mklCodePath.includes(GENERIC_CODE_PATH);
}

/** The shim preloaded into a peer's processes, or why it could not be built. */
export type MklShim = { path: string } | { error: string };

/**
 * Builds bench/peers/mkl_intel_path.c into `<dir>/mkl-intel-path.so` with the system's C compiler
 * (`cc`, or `$CC`), once: rebuilt only when the source is newer. A missing compiler is an error to
 * report (the peer then runs on MKL's own dispatch), not a failure of the bench.
 */
export function ensureMklShim(root: string, dir: string): MklShim {
  const source = resolve(root, 'bench/peers/mkl_intel_path.c');
  const output = resolve(root, dir, 'mkl-intel-path.so');
  try {
    if (statSync(output).mtimeMs >= statSync(source).mtimeMs) return { path: output };
  } catch {
    // not built yet
  }
  mkdirSync(resolve(root, dir), { recursive: true });
  const compiler = process.env.CC ?? 'cc';
  const built = spawnSync(compiler, ['-shared', '-fPIC', '-O2', '-o', output, source], { encoding: 'utf8' });
  if (built.error !== undefined) return { error: `${compiler} not found (${built.error.message}): install a C compiler (apt-get install gcc) to try MKL's Intel code path` };
  if (built.status !== 0) return { error: `${compiler} failed: ${(built.stderr || built.stdout).trim().split('\n').at(-1) ?? ''}` };
  return { path: output };
}
