import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerId } from '../peers/peers.js';
import { TreeMemorySampler } from '../system/process-memory.js';
import { ANSWER_PREFIX } from '../steps/protocol.js';

/** One end-to-end sweep to time: kdlab on a backend, or a peer's sweep script. */
export interface SweepContender {
  /** Label for the tables. */
  label: string;
  /** `kdlab` or a `peer`. */
  framework: 'kdlab' | 'peer';
  /** kdlab's backend. */
  backend?: 'wasm' | 'node';
  /** Which peer. */
  peer?: PeerId;
  /** The command. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Folders it writes (tracking store, cache), emptied before each run. */
  folders: string[];
}

/** What one sweep measured. */
export interface SweepResult {
  /** The contender. */
  contender: SweepContender;
  /** The round (0-based) it ran in. */
  round?: number;
  /** Wall time from start to exit, in seconds. */
  seconds?: number;
  /** Largest summed resident set of the process and its children (workers), in KiB (sampled). */
  peakTreeKb?: number;
  /** Largest resident set of any one of its processes, in KiB (sampled). */
  peakProcessKb?: number;
  /** Largest summed proportional set size of its processes (shared pages counted once), in KiB (sampled). */
  peakTreePssKb?: number;
  /** Mean test accuracy of the distilled students. */
  meanDistilledAccuracy?: number;
  /** The teacher's test accuracy. */
  teacherAccuracy?: number;
  /** The framework and threads, in words (peers only). */
  runtime?: string;
  /** Where its output went. */
  log: string;
  /** Why it failed. */
  error?: string;
}

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Reads the distilled and teacher test accuracies from `kdlab run`'s sweep summary lines. */
function kdlabAccuracies(log: string): Pick<SweepResult, 'meanDistilledAccuracy' | 'teacherAccuracy'> {
  const lines = [...log.matchAll(/distilled (\d\.\d+)\s+baseline (\d\.\d+)\s+teacher (\d\.\d+)/g)];
  const distilled = mean(lines.map((match) => Number(match[1])));
  const teacher = lines[0]?.[3];
  return { ...(distilled !== undefined ? { meanDistilledAccuracy: distilled } : {}), ...(teacher !== undefined ? { teacherAccuracy: Number(teacher) } : {}) };
}

/** Reads a peer's sweep answer line (bench/pytorch/sweep.py, bench/keras/sweep.py). */
function peerAnswer(log: string): Pick<SweepResult, 'meanDistilledAccuracy' | 'teacherAccuracy' | 'runtime'> {
  const line = log.split('\n').find((text) => text.startsWith(ANSWER_PREFIX));
  if (line === undefined) return {};
  const answer = JSON.parse(line.slice(ANSWER_PREFIX.length)) as { runtime: string; results: Record<string, { test: number }> };
  const distilled = mean(Object.entries(answer.results).filter(([name]) => name.startsWith('distilled')).map(([, result]) => result.test));
  return {
    runtime: answer.runtime,
    ...(distilled !== undefined ? { meanDistilledAccuracy: distilled } : {}),
    ...(answer.results['teacher'] !== undefined ? { teacherAccuracy: answer.results['teacher'].test } : {}),
  };
}

/**
 * Runs one sweep to its end (its folders emptied first), timing it from start to exit and sampling
 * the memory of its process tree; its output goes to `<logDir>/<name>.log`.
 */
export async function runSweep(contender: SweepContender, cwd: string, logDir: string, name: string): Promise<SweepResult> {
  for (const folder of contender.folders) rmSync(folder, { recursive: true, force: true });
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const started = performance.now();
  const child = spawn(contender.command, contender.args, { cwd, env: { ...process.env, ...contender.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const sampler = new TreeMemorySampler(child.pid!, 200);
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  const seconds = (performance.now() - started) / 1000;
  const memory = sampler.stop();
  await new Promise<void>((resolve) => log.end(resolve));
  const text = await readFile(logPath, 'utf8');
  const result: SweepResult = { contender, log: logPath, peakTreeKb: memory.peakTotalKb, peakProcessKb: memory.peakProcessKb, ...(memory.peakPssKb !== undefined ? { peakTreePssKb: memory.peakPssKb } : {}) };
  if (code !== 0) {
    const lastLines = text.trim().split('\n').slice(-3).join(' | ');
    return { ...result, error: `exited with code ${String(code)}: ${lastLines.slice(0, 400)}` };
  }
  return { ...result, seconds, ...(contender.framework === 'kdlab' ? kdlabAccuracies(text) : peerAnswer(text)) };
}
