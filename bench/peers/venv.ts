import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A package the bench's virtual environment installs: its distribution name, exact version and wheel. */
export interface VenvPackage {
  /** The distribution name (`importlib.metadata.version` reads it). */
  name: string;
  /** The exact version. */
  version: string;
}

/** The packages each peer of the virtual environment needs (their dependencies come from the same folders). */
export const VENV_GROUPS = {
  torch2: [{ name: 'torch', version: '2.13.0+cpu' }],
  keras: [
    { name: 'keras', version: '3.15.1' },
    { name: 'tensorflow_cpu', version: '2.21.0' },
  ],
} as const satisfies Record<string, readonly VenvPackage[]>;

/** A peer that runs in the virtual environment. */
export type VenvGroup = keyof typeof VENV_GROUPS;

/** What the virtual environment holds for one peer, or why it does not. */
export interface VenvGroupStatus {
  /** Installed versions by distribution name, when every package of the group is there. */
  versions?: Record<string, string>;
  /** `reused` (already installed) or `installed` (by this run). */
  how?: 'reused' | 'installed';
  /** Why the peer cannot run (a wheel missing from the folders, pip's error). */
  error?: string;
}

/** The bench's virtual environment. */
export interface VenvStatus {
  /** Its Python, when the environment exists. */
  python?: string;
  /** Each requested peer's packages. */
  groups: Partial<Record<VenvGroup, VenvGroupStatus>>;
  /** Why the environment could not be made. */
  error?: string;
}

/** Where and how the virtual environment is made. */
export interface VenvSettings {
  /** Its folder (`.kdlab/bench/venv`). */
  dir: string;
  /** The Python that creates it (`python3 -m venv`): its version must match the wheels' (cp311). */
  creator: string;
  /** The folders pip finds the wheels in (`--find-links`, `--no-index`: nothing is downloaded). */
  findLinks: readonly string[];
  /** Where pip's output goes. */
  logDir: string;
}

/** The wheel file name prefix of a package: `torch-2.13.0+cpu-`. */
export function wheelPrefix(item: VenvPackage): string {
  return `${item.name.replace(/-/g, '_')}-${item.version}-`;
}

/** The packages of `wanted` with no wheel in `folders` (each folder's file names listed). */
export function missingWheels(wanted: readonly VenvPackage[], folders: ReadonlyMap<string, readonly string[]>): VenvPackage[] {
  return wanted.filter((item) => ![...folders.values()].some((files) => files.some((file) => file.startsWith(wheelPrefix(item)) && file.endsWith('.whl'))));
}

function listFolders(folders: readonly string[]): Map<string, string[]> {
  const listed = new Map<string, string[]>();
  for (const folder of folders) {
    try {
      listed.set(folder, readdirSync(folder));
    } catch {
      listed.set(folder, []);
    }
  }
  return listed;
}

/** The installed versions of `names` in `python`'s environment (absent names left out). */
function installedVersions(python: string, names: readonly string[]): Record<string, string> {
  const script = [
    'import importlib.metadata as m, json, sys',
    'found = {}',
    'for name in sys.argv[1:]:',
    '    try: found[name] = m.version(name)',
    '    except m.PackageNotFoundError: pass',
    'print(json.dumps(found))',
  ].join('\n');
  const run = spawnSync(python, ['-c', script, ...names], { encoding: 'utf8' });
  if (run.status !== 0) return {};
  try {
    return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/** pip's most telling line: the last `ERROR:` line, else the last line. */
function pipError(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return ([...lines].reverse().find((line) => line.startsWith('ERROR:')) ?? lines.at(-1) ?? 'failed').slice(0, 300);
}

/**
 * Makes the bench's virtual environment (once: `python3 -m venv`), then, for each peer asked for,
 * installs its packages offline (`pip install --no-index --find-links ...`) unless their exact versions
 * are already there. A peer whose wheel is not in the folders, or whose install fails (a dependency
 * missing from the folders), gets an error saying which, and the others go on.
 */
export function ensureVenv(settings: VenvSettings, groups: readonly VenvGroup[], log: (line: string) => void = console.log): VenvStatus {
  const python = join(settings.dir, 'bin', 'python');
  const status: VenvStatus = { groups: {} };
  if (groups.length === 0) return status;
  if (!existsSync(python)) {
    mkdirSync(dirname(settings.dir), { recursive: true });
    log(`  creating the peers' virtual environment: ${settings.creator} -m venv ${settings.dir}`);
    const created = spawnSync(settings.creator, ['-m', 'venv', settings.dir], { encoding: 'utf8' });
    if (created.status !== 0 || !existsSync(python)) {
      status.error = `${settings.creator} -m venv ${settings.dir} failed: ${pipError(`${created.stdout ?? ''}\n${created.stderr ?? ''}${created.error ? `\n${created.error.message}` : ''}`)}`;
      for (const group of groups) status.groups[group] = { error: status.error };
      return status;
    }
  }
  status.python = python;
  const folders = listFolders(settings.findLinks);
  for (const group of groups) {
    const wanted: readonly VenvPackage[] = VENV_GROUPS[group];
    const names = wanted.map((item) => item.name);
    const present = installedVersions(python, names);
    if (wanted.every((item) => present[item.name] === item.version)) {
      status.groups[group] = { versions: present, how: 'reused' };
      continue;
    }
    const missing = missingWheels(wanted, folders);
    if (missing.length > 0) {
      status.groups[group] = { error: `wheel missing: ${missing.map((item) => `${item.name}==${item.version}`).join(', ')} (looked in ${settings.findLinks.join(', ')})` };
      continue;
    }
    const args = ['-m', 'pip', 'install', '--no-index', '--disable-pip-version-check', ...settings.findLinks.flatMap((folder) => ['--find-links', folder]), ...wanted.map((item) => `${item.name}==${item.version}`)];
    log(`  installing ${wanted.map((item) => `${item.name} ${item.version}`).join(', ')} offline into ${settings.dir} (about a minute)`);
    const installed = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${python} ${args.join(' ')}\n${installed.stdout ?? ''}\n${installed.stderr ?? ''}`;
    mkdirSync(settings.logDir, { recursive: true });
    const logPath = join(settings.logDir, `venv-pip-${group}.log`);
    writeFileSync(logPath, output);
    const after = installedVersions(python, names);
    if (installed.status !== 0 || !wanted.every((item) => after[item.name] === item.version)) {
      status.groups[group] = { error: `pip install failed (${pipError(output)}; log: ${logPath})` };
      continue;
    }
    status.groups[group] = { versions: after, how: 'installed' };
  }
  return status;
}
