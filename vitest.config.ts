import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

/** The kdlab test projects: one per workspace package (the root package.json's `workspaces`), plus the cross-package tests under test/. */
const workspaces = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { workspaces: string[] }).workspaces;
const packages = workspaces.map((folder) => basename(folder));

/**
 * Test files that need a process of their own (every other file shares its worker process with the
 * files run before it, see `isolate` below), each with the reason.
 */
const needsFreshProcess: readonly string[] = [
  // asserts the exact weight names of a new layer ('attn/query/kernel'); tfjs-layers makes a name
  // unique per process ('attn/query/kernel_1' once another file has built an 'attn' layer)
  'packages/students/test/transformer.test.ts',
  // measures the process's ArrayBuffer bytes around a garbage collection: another file's leftover
  // asynchronous work (a stream, a timer) must not allocate in between
  'packages/runner/test/collect-garbage.test.ts',
];

export default defineConfig({
  ssr: { resolve: { conditions: ['@kdlab/source'] } },
  resolve: { conditions: ['@kdlab/source'] },
  oxc: { decorator: { legacy: true } } as never,
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time even on a 2-core machine (vitest's default there is one): most of a
    // file's time is module import and child processes (the CLI, Chromium, tsc), which overlap well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker process runs file after file of its project with its imports kept (vitest's default gives
    // every file a fresh process): importing tfjs and the packages took about a third of the suite's
    // time, once per file. So a test file leaves the process as it found it (environment variables
    // restored, servers stopped, spies restored); files that depend on a fresh process are listed in
    // `needsFreshProcess`. Whole suite: 1,298 -> ~700 s here, with a study training alongside.
    isolate: false,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, include: [`packages/${name}/test/**/*.test.ts`, `packages/${name}/src/**/*.test.ts`], exclude: [...needsFreshProcess, '**/node_modules/**'] },
      })),
      { extends: true as const, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...needsFreshProcess, '**/node_modules/**'] } },
      { extends: true as const, test: { name: 'repro', include: ['repro/test/**/*.test.ts'], exclude: [...needsFreshProcess, '**/node_modules/**'] } },
      { extends: true as const, test: { name: 'fresh-process', include: [...needsFreshProcess], isolate: true } },
    ],
    typecheck: { enabled: false },
  },
});
