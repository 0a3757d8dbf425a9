import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a command printed and how it exited. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output; rejects only when it cannot be started. */
export function runCommand(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The environment of a command in a study folder: this process's, without what would tie it to this
 * repository or to the test run (kdlab's and MLflow's variables, npm's per-script variables, NODE_OPTIONS),
 * with kdlab's user cache inside the study folder, plus `extra`.
 */
export function studyEnvironment(study: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const tied = /^(KDLAB_|MLFLOW_|npm_package_|npm_lifecycle_)/i.test(key) || ['NODE_OPTIONS', 'INIT_CWD', 'npm_config_local_prefix'].includes(key);
    if (!tied) env[key] = value;
  }
  return { ...env, XDG_CACHE_HOME: join(study, '.cache'), ...extra };
}

/** The newest modification time of the files under a folder (0 for an empty or missing one). */
function newestModification(folder: string): number {
  if (!existsSync(folder)) return 0;
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Why the workspaces' dist/ folders are not what `tsc -b` would write now, or undefined when they are:
 * a package never built (no `dist/.tsbuildinfo`), or a source or tsconfig changed after its last build
 * (`tsc -b` rewrites the build info whenever it looks at a changed input, so its time is the last build's).
 */
export function distStaleness(repoRoot: string, workspaces: readonly string[]): string | undefined {
  const shared = statSync(join(repoRoot, 'tsconfig.base.json')).mtimeMs;
  for (const folder of workspaces) {
    const buildInfo = join(repoRoot, folder, 'dist', '.tsbuildinfo');
    if (!existsSync(buildInfo)) return `${folder} was never built`;
    const built = statSync(buildInfo).mtimeMs;
    const changed = Math.max(shared, statSync(join(repoRoot, folder, 'tsconfig.json')).mtimeMs, newestModification(join(repoRoot, folder, 'src')));
    if (changed > built) return `${folder} changed after its last build`;
  }
  return undefined;
}

/**
 * The code block of a Markdown page whose fence names `language` and whose first line starts with
 * `firstLine` (e.g. `// study.ts`), without the indentation of a block inside a list item.
 *
 * @throws Error when the page has no such block.
 */
export function codeBlock(markdown: string, language: string, firstLine: string): string {
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const fence = /^( *)```(\S*)\s*$/.exec(lines[i]!);
    if (fence === null || fence[2] !== language) continue;
    const indent = fence[1]!;
    if (!lines[i + 1]!.startsWith(`${indent}${firstLine}`)) continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j] !== `${indent}\`\`\``; j++) body.push(lines[j]!.slice(indent.length));
    return `${body.join('\n')}\n`;
  }
  throw new Error(`no \`\`\`${language} block starting with "${firstLine}"`);
}
