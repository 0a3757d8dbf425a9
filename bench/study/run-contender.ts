import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { StudyLaunch } from './study-result.js';
import { TreeMemoryMonitor, type TreePeaks } from './tree-memory.js';

/** What running one contender's process measured. */
export interface ProcessOutcome {
  /** Its exit code (`null` when a signal ended it). */
  code: number | null;
  /** Wall time from the spawn to the exit, s. */
  seconds: number;
  /** When it started (ms since the epoch). */
  startedMs: number;
  /** Its process tree's memory. */
  memory: TreePeaks;
}

/**
 * Runs one contender's command to its end in `cwd`, its stdout and stderr into `logPath`, timing it
 * from the spawn to the exit and sampling its process tree's memory every `sampleMs`.
 */
export async function runContenderProcess(launch: StudyLaunch, cwd: string, logPath: string, sampleMs: number): Promise<ProcessOutcome> {
  const log = createWriteStream(logPath);
  await new Promise<void>((resolve) => log.once('open', () => resolve()));
  const startedMs = Date.now();
  const started = performance.now();
  const child = spawn(launch.command, launch.args, { cwd, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const monitor = child.pid === undefined ? undefined : new TreeMemoryMonitor(child.pid, sampleMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      log.write(`\nspawn failed: ${error.message}\n`);
      resolve(null);
    });
    child.on('close', (exitCode) => resolve(exitCode));
  });
  const seconds = (performance.now() - started) / 1000;
  const memory = monitor?.stop() ?? { peakTotalKb: 0, peakProcessKb: 0, samples: 0, processes: [] };
  await new Promise<void>((resolve) => log.end(resolve));
  return { code, seconds, startedMs, memory };
}
