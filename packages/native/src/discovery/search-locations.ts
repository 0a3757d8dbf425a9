import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A folder searched for TensorFlow wheels and libtensorflow tarballs. */
export interface SearchLocation {
  /** The folder. */
  path: string;
  /** How many folder levels below it are searched (pip's wheel cache nests five deep). */
  depth: number;
  /** Why it is searched, for messages. */
  why: string;
}

/** What the default search locations depend on. */
export interface SearchContext {
  /** The environment (`PIP_FIND_LINKS`, `PIP_CACHE_DIR`, `XDG_CACHE_HOME`, `VIRTUAL_ENV`, `CONDA_PREFIX`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The home folder. */
  home: string;
  /** The working folder. */
  cwd: string;
}

function findLinks(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(/\s+/)
    .filter((entry) => entry !== '' && !/^https?:/i.test(entry))
    .map((entry) => (entry.startsWith('file:') ? fileURLToPath(entry) : entry));
}

/**
 * Where wheels and tarballs are looked for when no `--from` is given, most specific first: pip's
 * find-links folders, pip's wheel cache, a local package index (`/opt/pypi`), wheel folders in the
 * project and the home folder, Debian's wheel folder. pip's HTTP cache is not searched: it stores
 * downloads under hashed names, not as `.whl` files.
 *
 * @param context - Environment, home and working folder.
 */
export function defaultSearchLocations(context: SearchContext): SearchLocation[] {
  const { env, home, cwd } = context;
  const pipCache = env['PIP_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(home, '.cache'), 'pip');
  return [
    ...findLinks(env['PIP_FIND_LINKS']).map((path) => ({ path, depth: 2, why: 'PIP_FIND_LINKS' })),
    { path: join(pipCache, 'wheels'), depth: 6, why: "pip's wheel cache" },
    { path: '/opt/pypi', depth: 3, why: 'local package index' },
    { path: join(cwd, 'wheelhouse'), depth: 2, why: 'project wheel folder' },
    { path: join(cwd, 'wheels'), depth: 2, why: 'project wheel folder' },
    { path: cwd, depth: 0, why: 'working folder' },
    { path: join(home, 'wheelhouse'), depth: 2, why: 'home wheel folder' },
    { path: join(home, 'wheels'), depth: 2, why: 'home wheel folder' },
    { path: join(home, 'Downloads'), depth: 1, why: 'downloads' },
    { path: '/usr/share/python-wheels', depth: 1, why: "Debian's wheel folder" },
  ];
}

/**
 * Installation prefixes whose `lib/python3.*\/{site,dist}-packages/tensorflow` may hold an installed
 * TensorFlow (its C library and headers come with it): the active virtual or conda environment, the
 * user's, the system's.
 *
 * @param context - Environment and home folder.
 */
export function pythonPrefixes(context: Pick<SearchContext, 'env' | 'home'>): string[] {
  const { env, home } = context;
  return [env['VIRTUAL_ENV'], env['CONDA_PREFIX'], join(home, '.local'), '/usr/local', '/usr'].filter((prefix): prefix is string => prefix !== undefined && prefix !== '');
}
