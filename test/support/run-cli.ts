import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCommand } from './study-repository.js';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What a CLI invocation printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A signal `onStderr` may ask for: `SIGINT` goes to the whole process group (as a terminal's Ctrl-C
 * does), `SIGTERM` to the `kdlab` process only (as `timeout` and schedulers send it), `SIGKILL` to the
 * whole process group (every kdlab process dies at once, none can clean up).
 */
export type CliSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

/**
 * Runs the `kdlab` CLI as a user would (`node packages/cli/bin/kdlab.mjs ...`) from the repository
 * root. `onStderr` sees stderr as it arrives and may return a signal to send (see {@link CliSignal}).
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; onStderr?: (text: string) => CliSignal | void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/cli/bin/kdlab.mjs', ...args], {
      cwd: repoRoot,
      // Checkpoints go to this test process's own folder unless a test says where (never the repository's .kdlab/).
      env: { KDLAB_CHECKPOINT_DIR: testCheckpointDir(), ...process.env, ...options.env },
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
      const signal = interrupted ? undefined : options.onStderr?.(stderr);
      if (signal !== undefined) {
        interrupted = true;
        process.kill(signal === 'SIGTERM' ? child.pid! : -child.pid!, signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs several `kdlab` invocations in one process, one after another (test/support/cli-batch.ts), each
 * through the CLI's own `main(argv)` with its own stdout, stderr and exit code; results in the order
 * given. For invocations that refuse their input before doing any work: the CLI's start-up (about 4 s
 * of CPU, most of such an invocation) is paid once instead of once per invocation. What only a process
 * of its own shows (the `kdlab` launcher, signals, a message printed once per process) needs
 * {@link runCli}.
 */
export async function runCliBatch<const T extends readonly (readonly string[])[]>(invocations: T): Promise<{ -readonly [K in keyof T]: CliResult }> {
  const folder = mkdtempSync(join(tmpdir(), 'kdlab-cli-batch-'));
  const resultFile = join(folder, 'results.json');
  try {
    const batch = await runCommand(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', 'test/support/cli-batch.ts', resultFile, JSON.stringify(invocations)], {
      cwd: repoRoot,
      env: { KDLAB_CHECKPOINT_DIR: testCheckpointDir(), ...process.env },
    });
    if (batch.code !== 0) throw new Error(`the batch of kdlab invocations exited with ${batch.code}:\n${batch.stderr}${batch.stdout}`);
    const results = JSON.parse(readFileSync(resultFile, 'utf8')) as CliResult[];
    if (results.length !== invocations.length) throw new Error(`the batch of kdlab invocations answered ${results.length} of ${invocations.length}`);
    return results as { -readonly [K in keyof T]: CliResult };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The checkpoint folder of each test file's CLI runs, by the file's path. */
const checkpointDirs = new Map<string, string>();

/**
 * A checkpoint folder for the CLI runs of the calling test file, made on first use in the system's
 * temporary folder: one per file, also when files share a worker process (vitest's `isolate: false`),
 * so that a run never continues from a checkpoint another file's killed run left.
 */
function testCheckpointDir(): string {
  const testFile = expect.getState().testPath ?? '';
  let dir = checkpointDirs.get(testFile);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'kdlab-test-checkpoints-'));
    checkpointDirs.set(testFile, dir);
  }
  return dir;
}
