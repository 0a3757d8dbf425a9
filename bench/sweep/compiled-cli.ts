import { spawnSync } from 'node:child_process';

/** How the bench starts kdlab's CLI: from the compiled `dist/`, as an installed kdlab runs, or from source. */
export interface CliLaunch {
  /** Environment for `packages/cli/bin/kdlab.mjs`: `KDLAB_FROM_DIST=1` when `dist/` is fresh. */
  readonly env: Record<string, string>;
  /** Said in the sweep's label and the report: `dist` or `source (tsx)`. */
  readonly from: 'dist' | 'source (tsx)';
}

/**
 * Brings every package's `dist/` up to date (`npm run build`, i.e. `tsc -b`: seconds when little
 * changed) so the sweep runs the CLI as an installed kdlab does, with plain `node`: from source, the
 * launcher starts a second process under tsx, whose loader alone holds ~90 MiB (bench/native/MEMORY.md),
 * and that would count in kdlab's peak memory. When the build fails the sweep runs from source and says so.
 *
 * @param root - the repository root.
 */
export function prepareCompiledCli(root: string): CliLaunch {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (build.status === 0) return { env: { KDLAB_FROM_DIST: '1' }, from: 'dist' };
  console.warn(`  npm run build failed (exit ${build.status ?? build.signal}); the kdlab sweep runs from source under tsx:\n${(build.stdout + build.stderr).trim().split('\n').slice(-5).join('\n')}`);
  return { env: {}, from: 'source (tsx)' };
}
