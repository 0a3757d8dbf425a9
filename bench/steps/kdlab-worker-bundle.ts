import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** esbuild's `buildSync`, as far as it is used here. */
type BuildSync = (options: Record<string, unknown>) => unknown;

/** esbuild, from tsx's own dependencies (kdlab does not depend on it directly). */
function esbuildBuildSync(): BuildSync {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx'));
  return (fromTsx('esbuild') as { buildSync: BuildSync }).buildSync;
}

/** Where the bundled worker goes (ignored by git; beside the other things kdlab builds for itself). */
const BUNDLE = join('.kdlab', 'bench-worker', 'kdlab-worker.mjs');

let built: string | undefined;

/**
 * Bundles bench/steps/kdlab-worker.ts with kdlab's TypeScript sources (the `@kdlab/source`
 * condition, the same code tsx would run) into one ES module that plain `node` runs, TensorFlow.js's
 * packages left external, as an installed kdlab runs its compiled `dist/`. Without it the worker ran
 * under `--import tsx`, whose loader (a second V8 isolate for the module hooks, the transforms and
 * their source maps) added ~90 MiB to the resident set the bench reports as kdlab's (bench/native/MEMORY.md).
 * Built once per bench process; throws when esbuild cannot be loaded or the bundle fails.
 *
 * @param root - The repository root (the bench's working directory).
 * @returns The bundle's path, relative to `root`.
 */
export function kdlabWorkerBundle(root: string = process.cwd()): string {
  if (built !== undefined) return built;
  mkdirSync(dirname(join(root, BUNDLE)), { recursive: true });
  esbuildBuildSync()({
    absWorkingDir: root,
    entryPoints: ['bench/steps/kdlab-worker.ts'],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@kdlab/source'],
    external: ['@tensorflow/*'],
    logLevel: 'warning',
  });
  built = BUNDLE;
  return built;
}
