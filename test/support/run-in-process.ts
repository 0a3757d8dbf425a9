import type { Command } from 'commander';
import { vi } from 'vitest';

/** What a command run in this process printed, and its exit code. */
export interface InProcessResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs one `kdlab` command (e.g. `compareCommand()`) in this process on `args`, and returns what it
 * wrote to stdout and stderr and its exit code. `env` sets environment variables for the call
 * (`undefined` unsets one); they, and `process.exitCode`, are restored afterwards.
 */
export async function runInProcess(command: Command, args: string[], env: Record<string, string | undefined> = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  setEnv(env);
  try {
    await command.exitOverride().parseAsync(args, { from: 'user' });
    return { stdout, stderr, code: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    setEnv(saved);
    process.exitCode = undefined;
  }
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
