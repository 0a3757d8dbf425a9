import type { PeerId } from '../peers/peers.js';
import { spread, type Spread } from '../report/stats.js';
import { StepWorkerClient, type WorkerCommand } from './step-worker-client.js';
import type { StepWorkload } from './kdlab-workloads.js';

/** Who runs a workload in the step comparison. */
export interface Participant {
  /** Short label for the tables: `kdlab wasm (1 thread)`, `PyTorch 2.13 (1 thread, cached logits)`, ... */
  label: string;
  /** `kdlab` or a `peer` (bench/peers/peers.ts). */
  framework: 'kdlab' | 'peer';
  /** kdlab's backend. */
  backend?: 'wasm' | 'node';
  /** Which peer. */
  peer?: PeerId;
  /** Threads it runs with (wasm: always 1). */
  threads: number;
  /** For a peer's KD step: whether the frozen teacher runs forward every step (else its logits are cached). */
  teacherForward?: boolean;
  /** How to start it. */
  command: WorkerCommand;
}

/** What one participant measured on one workload. */
export interface ParticipantResult {
  /** The participant. */
  participant: Participant;
  /** The framework, backend and threads, as the worker described them. */
  runtime?: string;
  /** The workload, as the worker described it. */
  description?: string;
  /** Examples per step. */
  batchSize?: number;
  /** Median step of each round, in ms. */
  roundMedians: number[];
  /** Median processor time per step of each round, in ms (the worker process's, every thread). */
  cpuRoundMedians?: number[];
  /** Peak resident set of the worker process (VmHWM), in KiB. */
  peakRssKb?: number;
  /** Why it did not run. */
  error?: string;
}

/** How the rounds are run. */
export interface RoundSettings {
  /** Alternating rounds. */
  rounds: number;
  /** Each participant's minimum time per round, in ms. */
  roundMs: number;
  /** Each participant's minimum steps per round. */
  minSteps: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The spread over rounds of the median step (ms), or `undefined` when it never ran. */
export function stepSpread(result: ParticipantResult): Spread | undefined {
  return spread(result.roundMedians);
}

/** The spread over rounds of the median processor time per step (ms), or `undefined` when the worker did not measure it. */
export function cpuSpread(result: ParticipantResult): Spread | undefined {
  return result.cpuRoundMedians === undefined ? undefined : spread(result.cpuRoundMedians);
}

/** Samples per second at the median over rounds of the round's median step. */
export function samplesPerSecond(result: ParticipantResult): number | undefined {
  const ms = stepSpread(result)?.median;
  return ms === undefined || result.batchSize === undefined ? undefined : (result.batchSize / ms) * 1000;
}

/**
 * Measures one workload: starts every participant's worker (each in its own process, so each has
 * its own peak memory), waits until all are warmed up, then runs them in turn, round after round
 * (A B C, B C A, ...: each round starts one participant later), so that load from other processes
 * disturbs all of them alike. Only one worker computes at a time; the others wait on their stdin.
 */
export async function measureWorkload(workload: StepWorkload, participants: Participant[], settings: RoundSettings, cwd: string): Promise<ParticipantResult[]> {
  const clients = participants.map((participant) => new StepWorkerClient(`${participant.label} (${workload})`, participant.command, cwd));
  const results: ParticipantResult[] = participants.map((participant) => ({ participant, roundMedians: [] }));
  try {
    await Promise.all(
      clients.map(async (client, index) => {
        try {
          const ready = await client.ready();
          Object.assign(results[index]!, { runtime: ready.runtime, description: ready.description, batchSize: ready.batchSize });
        } catch (error) {
          results[index]!.error = (error as Error).message;
          client.kill();
        }
      }),
    );
    const running = clients.map((_, index) => index).filter((index) => results[index]!.error === undefined);
    for (let round = 0; round < settings.rounds; round++) {
      const order = running.map((_, turn) => running[(turn + round) % running.length]!);
      for (const index of order) {
        if (results[index]!.error !== undefined) continue;
        try {
          const answer = await clients[index]!.run(settings.roundMs, settings.minSteps);
          results[index]!.roundMedians.push(median(answer.times));
          if (answer.cpuTimes !== undefined && answer.cpuTimes.length > 0) (results[index]!.cpuRoundMedians ??= []).push(median(answer.cpuTimes));
        } catch (error) {
          results[index]!.error = (error as Error).message;
        }
      }
    }
    for (const index of running) {
      if (results[index]!.error !== undefined) continue;
      const memory = await clients[index]!.quit();
      results[index]!.peakRssKb = memory.peakRssKb;
    }
    return results;
  } finally {
    clients.forEach((client) => client.kill());
  }
}
