import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What a CLI invocation printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `kdlab` CLI as a user would (`node packages/core/bin/kdlab.mjs ...`) from the repository
 * root. `onStderr` sees stderr as it arrives and may return `'SIGINT'` to interrupt the process.
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; onStderr?: (text: string) => 'SIGINT' | void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/core/bin/kdlab.mjs', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && options.onStderr?.(stderr) === 'SIGINT') {
        interrupted = true;
        process.kill(-child.pid!, 'SIGINT'); // the whole process group, as a terminal's Ctrl-C does
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
