import { existsSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { classifySourceName, parseDistInfoName, wheelVariant } from './classify-source-name.js';
import { currentPlatform, type HostPlatform } from './host-platform.js';
import type { LibrarySource } from './library-source.js';
import { defaultSearchLocations, pythonPrefixes, type SearchContext, type SearchLocation } from './search-locations.js';

/** A place discovery looked at. */
export interface SearchedLocation extends SearchLocation {
  /** Whether it existed. */
  exists: boolean;
}

/** What discovery found, and where it looked. */
export interface DiscoveryReport {
  /** TensorFlow libraries recognised (usable or not on this platform). */
  candidates: LibrarySource[];
  /** Each place looked at. */
  searched: SearchedLocation[];
}

/** Options of {@link discoverLibrarySources}. */
export interface DiscoveryOptions extends Partial<SearchContext> {
  /** A wheel, tarball or folder named by the user; when given, only it is looked at. */
  from?: string;
  /** The platform to build for; defaults to this machine's. */
  host?: HostPlatform;
  /** Folders to search instead of the defaults (tests). */
  locations?: SearchLocation[];
  /** Install prefixes to look for an installed TensorFlow in, instead of the defaults (tests). */
  prefixes?: string[];
}

async function entriesOf(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Whether a folder holds an unpacked TensorFlow C library: the C API header under `include/` and a
 * `libtensorflow*` shared library beside it or under `lib/`.
 *
 * @param folder - The folder.
 */
export async function isLibraryFolder(folder: string): Promise<boolean> {
  if (!existsSync(join(folder, 'include', 'tensorflow', 'c', 'c_api.h'))) return false;
  const names = [...(await entriesOf(folder)), ...(await entriesOf(join(folder, 'lib')))].map((entry) => entry.name);
  return names.some((name) => /^libtensorflow(_cc)?(\.so|\.\d+\.dylib|\.dylib)/.test(name));
}

async function describeFolder(folder: string, host: HostPlatform): Promise<LibrarySource> {
  // An installed site-packages/tensorflow has a dist-info folder beside it naming the wheel.
  const distInfo = (await entriesOf(dirname(folder))).map((entry) => parseDistInfoName(entry.name)).find((parsed) => parsed !== undefined);
  const tokens = folder.toLowerCase();
  const variant = distInfo !== undefined ? wheelVariant(distInfo.distribution, `${host.os} ${host.arch === 'x64' ? 'x86_64' : host.arch}`) : /gpu/.test(tokens) ? 'gpu' : /cpu/.test(tokens) ? 'cpu' : 'unknown';
  const version = distInfo?.version ?? /(\d+\.\d+\.\d+)/.exec(basename(folder))?.[1];
  const what = distInfo !== undefined ? `installed ${distInfo.distribution} ${distInfo.version}` : 'unpacked TensorFlow library';
  return { kind: 'folder', path: folder, label: `${what} (folder ${folder})`, ...(version !== undefined ? { version } : {}), variant };
}

async function searchFolder(location: SearchLocation, host: HostPlatform, found: LibrarySource[]): Promise<void> {
  const walk = async (folder: string, depth: number): Promise<void> => {
    for (const entry of await entriesOf(folder)) {
      const path = join(folder, entry.name);
      if (entry.isFile() || entry.isSymbolicLink()) {
        const source = classifySourceName(path, host);
        if (source !== undefined) found.push(source);
      } else if (entry.isDirectory() && depth > 0 && !entry.name.startsWith('.')) {
        if (await isLibraryFolder(path)) found.push(await describeFolder(path, host));
        else await walk(path, depth - 1);
      }
    }
  };
  await walk(location.path, location.depth);
}

async function installedTensorFlows(prefixes: readonly string[], host: HostPlatform, found: LibrarySource[]): Promise<void> {
  for (const prefix of prefixes) {
    for (const lib of await entriesOf(join(prefix, 'lib'))) {
      if (!lib.isDirectory() || !lib.name.startsWith('python3')) continue;
      for (const packages of ['site-packages', 'dist-packages']) {
        const folder = join(prefix, 'lib', lib.name, packages, 'tensorflow');
        if (await isLibraryFolder(folder)) found.push(await describeFolder(folder, host));
      }
    }
  }
}

/**
 * Looks for TensorFlow C libraries: at the path given with `--from` only (a wheel, a tarball, an
 * unpacked folder, or a folder of wheels searched two levels deep), else in the default locations
 * ({@link defaultSearchLocations}) and in installed Python environments. Recognises files by name;
 * opens nothing.
 *
 * @param options - The path given, the platform, the environment.
 */
export async function discoverLibrarySources(options: DiscoveryOptions = {}): Promise<DiscoveryReport> {
  const host = options.host ?? currentPlatform();
  const context: SearchContext = { env: options.env ?? process.env, home: options.home ?? (process.env['HOME'] ?? '/'), cwd: options.cwd ?? process.cwd() };
  const found: LibrarySource[] = [];
  if (options.from !== undefined) {
    const path = resolve(context.cwd, options.from);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new Error(`--from ${options.from}: no such file or folder (${path}).`);
    if (info.isFile()) {
      const source = classifySourceName(path, host);
      if (source === undefined) {
        throw new Error(
          `--from ${options.from}: not a TensorFlow wheel (tensorflow*-<version>-<python>-<abi>-<platform>.whl) or libtensorflow tarball (libtensorflow*.tar.gz).`,
        );
      }
      return { candidates: [source], searched: [{ path, depth: 0, why: '--from', exists: true }] };
    }
    if (await isLibraryFolder(path)) return { candidates: [await describeFolder(path, host)], searched: [{ path, depth: 0, why: '--from', exists: true }] };
    const location = { path, depth: 2, why: '--from' };
    await searchFolder(location, host, found);
    return { candidates: found, searched: [{ ...location, exists: true }] };
  }
  const searched: DiscoveryReport['searched'] = [];
  for (const location of options.locations ?? defaultSearchLocations(context)) {
    const exists = existsSync(location.path);
    searched.push({ ...location, exists });
    if (exists) await searchFolder(location, host, found);
  }
  const prefixes = options.prefixes ?? pythonPrefixes(context);
  await installedTensorFlows(prefixes, host, found);
  searched.push(...prefixes.map((prefix) => ({ path: join(prefix, 'lib', 'python3.*', 'site-packages', 'tensorflow'), depth: 0, why: 'installed TensorFlow', exists: existsSync(prefix) })));
  const unique = new Map(found.map((source) => [source.path, source]));
  return { candidates: [...unique.values()], searched };
}
