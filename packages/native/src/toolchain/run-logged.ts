import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Runs a program with its output appended to a log file; resolves when it exits with 0, else rejects
 * with its last output lines and the log's path.
 *
 * @param command - The executable.
 * @param args - Its arguments.
 * @param options - Working folder, environment, log file, and what the step is (for the error).
 */
export async function runLogged(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; step: string },
): Promise<void> {
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ ${[command, ...args].join(' ')}\n  (in ${options.cwd})\n`);
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== '' && !/Unknown user config/.test(line)));
    tail.splice(0, Math.max(0, tail.length - 15));
  };
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (error) => reject(new Error(`${options.step}: cannot start ${command}: ${error.message}`)));
      child.on('close', (code, signal) => {
        if (code === 0) resolvePromise();
        else reject(new Error(`${options.step} failed (${signal ?? `exit code ${code}`}). Last output:\n  ${tail.join('\n  ')}\nFull log: ${options.logFile}`));
      });
    });
  } finally {
    await new Promise((resolvePromise) => log.end(resolvePromise));
  }
}
