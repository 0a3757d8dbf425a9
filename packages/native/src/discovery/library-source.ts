import type { LibrarySourceKind } from '@kdlab/core';

/** Whether a TensorFlow library can drive a GPU: `gpu` means built with CUDA (it still runs on a CPU). */
export type LibraryVariant = 'cpu' | 'gpu' | 'unknown';

/** A TensorFlow C library found on disk (or named by the user), before anything is extracted. */
export interface LibrarySource {
  /** A Python wheel, a libtensorflow tarball, or an unpacked folder. */
  kind: LibrarySourceKind;
  /** Its absolute path. */
  path: string;
  /** What it is, for messages: `tensorflow_cpu 2.21.0 wheel (manylinux_2_27_x86_64)`. */
  label: string;
  /** The TensorFlow version its name or metadata gives, if any. */
  version?: string;
  /** CPU-only, CUDA-enabled, or not known from its name. */
  variant: LibraryVariant;
  /** Why it cannot be used on this machine (another platform), if so. */
  platformMismatch?: string;
}

/**
 * Compares dotted versions numerically (`2.21.0` after `2.9.1`); missing versions sort first.
 *
 * @param first - A version, or undefined.
 * @param second - Another.
 */
export function compareVersions(first: string | undefined, second: string | undefined): number {
  if (first === second) return 0;
  if (first === undefined) return -1;
  if (second === undefined) return 1;
  const parts = (version: string): number[] => version.split(/[.+-]/).map((part) => parseInt(part, 10)).map((part) => (Number.isNaN(part) ? -1 : part));
  const [a, b] = [parts(first), parts(second)];
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
