import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

/** The kdlab test projects: one per workspace package (the root package.json's `workspaces`), plus the cross-package tests under test/. */
const workspaces = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { workspaces: string[] }).workspaces;
const packages = workspaces.map((folder) => basename(folder));

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
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, include: [`packages/${name}/test/**/*.test.ts`, `packages/${name}/src/**/*.test.ts`] },
      })),
      { extends: true as const, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
      { extends: true as const, test: { name: 'repro', include: ['repro/test/**/*.test.ts'] } },
    ],
    typecheck: { enabled: false },
  },
});
