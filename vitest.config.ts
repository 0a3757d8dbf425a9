import { defineConfig } from 'vitest/config';

/** The kdlab test projects: one per package plus the cross-package tests under test/. */
const packages = ['mlflow', 'wasm-kernels', 'core', 'data', 'tracking', 'losses', 'students', 'runner', 'report', 'export', 'cli', 'native'];

export default defineConfig({
  ssr: { resolve: { conditions: ['@kdlab/source'] } },
  resolve: { conditions: ['@kdlab/source'] },
  oxc: { decorator: { legacy: true } } as never,
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
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
