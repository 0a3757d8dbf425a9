import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How kdlab's contender runs: its compiled dist under plain node, or its sources under tsx, and why. */
export interface KdlabBuild {
  /** Whether it runs the compiled dist (`KDLAB_FROM_DIST=1`). */
  fromDist: boolean;
  /** Why, in words. */
  reason: string;
  /** How long `tsc -b` took, s. */
  buildSeconds?: number;
}

/**
 * Builds kdlab (`tsc -b`, incremental: quick when dist is current) so that its contender runs the
 * compiled dist with plain node as an installed kdlab does (no tsx: ~90 MiB less per process, see
 * bench/native/MEMORY.md). Falls back to the sources under tsx, saying why, when the build fails or
 * `build` is false.
 *
 * @param root - The checkout.
 * @param build - Whether to build (`--no-build`: no).
 */
export function prepareKdlab(root: string, build: boolean): KdlabBuild {
  if (!build) return { fromDist: false, reason: '--no-build: its sources under tsx (node --import tsx, ~90 MiB more per process)' };
  const started = performance.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const buildSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    const first = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').find((line) => line.trim() !== '') ?? result.error?.message ?? 'failed';
    return { fromDist: false, reason: `tsc -b failed (${first.slice(0, 200)}): its sources under tsx instead`, buildSeconds };
  }
  if (!existsSync(join(root, 'packages', 'cli', 'dist', 'entry.js'))) return { fromDist: false, reason: 'tsc -b wrote no packages/cli/dist/entry.js: its sources under tsx instead', buildSeconds };
  return { fromDist: true, reason: `compiled dist (tsc -b, ${buildSeconds.toFixed(0)} s) under plain node, KDLAB_FROM_DIST=1, as an installed kdlab runs`, buildSeconds };
}

/** `kdlab 0.1.0, tfjs-node 4.22.0 on TensorFlow 2.21.0's C library` from the CLI's package and the native build's manifest. */
export function kdlabVersion(root: string): string {
  const read = (path: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const cli = read('packages/cli/package.json');
  const node = (read('.kdlab/native/manifest.json')?.['builds'] as Record<string, { packageVersion?: string; tensorflowVersion?: string }> | undefined)?.['node'];
  const native = node === undefined ? 'tfjs-node (no native build found)' : `tfjs-node ${node.packageVersion ?? '?'} on TensorFlow ${node.tensorflowVersion ?? '?'}'s C library`;
  return `kdlab ${String(cli?.['version'] ?? '?')}, ${native}`;
}
