import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';

/** Where a run comes from, for its standard MLflow tags. */
export interface RunSourceOptions {
  /** The folder the run was started from; defaults to the process's folder. */
  cwd?: string;
  /** The program or experiment file that started the run, as given on the command line (MLflow uses `sys.argv[0]`). */
  entryPoint: string;
  /** The git executable; defaults to `git` on the PATH. */
  gitExecutable?: string;
}

/**
 * The name of the user running this process, found as Python's `getpass.getuser()` finds it:
 * `LOGNAME`, `USER`, `LNAME`, `USERNAME`, then the account database; `unknown` when none answers.
 */
export function currentUserName(): string {
  for (const variable of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = process.env[variable];
    if (value) return value;
  }
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The tags MLflow's own client sets on a run started from a local program, which the MLflow UI
 * shows: `mlflow.user`, `mlflow.source.name`, `mlflow.source.type` (`LOCAL`), kdlab's machine tags
 * (see {@link machineTags}) and, when the entry
 * point lies in a git work tree, `mlflow.source.git.commit`. Without git, outside a repository,
 * or in one with no commit, the commit tag is left out. Runs `git` once, synchronously (a run
 * starts once per invocation).
 *
 * @param options - The run's folder and entry point.
 */
export function standardRunTags(options: RunSourceOptions): Record<string, string> {
  const cwd = options.cwd ?? process.cwd();
  const tags: Record<string, string> = {
    'mlflow.user': currentUserName(),
    'mlflow.source.name': options.entryPoint,
    'mlflow.source.type': 'LOCAL',
  };
  Object.assign(tags, machineTags());
  const entryFolder = dirname(resolve(cwd, options.entryPoint));
  const commit = gitHeadCommit(existsSync(entryFolder) ? entryFolder : cwd, options.gitExecutable ?? 'git');
  if (commit !== undefined) tags['mlflow.source.git.commit'] = commit;
  return tags;
}

/**
 * The machine a run trained on, which a speed or a result depends on: `kdlab.machine.cpu` (the CPU
 * model and logical core count), `kdlab.machine.memory_gib` and `kdlab.machine.platform`.
 */
export function machineTags(): Record<string, string> {
  const processors = cpus();
  return {
    'kdlab.machine.cpu': `${processors[0]?.model.trim() ?? 'unknown CPU'} x ${processors.length}`,
    'kdlab.machine.memory_gib': String(Math.round(totalmem() / 2 ** 30)),
    'kdlab.machine.platform': `${process.platform} ${process.arch}, Node.js ${process.version}`,
  };
}

/** `git rev-parse HEAD` in `folder`, or `undefined` when git is missing, fails, or prints no commit hash. */
function gitHeadCommit(folder: string, gitExecutable: string): string | undefined {
  try {
    const commit = execFileSync(gitExecutable, ['rev-parse', 'HEAD'], {
      cwd: folder,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      windowsHide: true,
    }).trim();
    return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}
