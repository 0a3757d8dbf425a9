import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ProcessIdentity } from './process-identity.js';
import { processLiveness } from './process-liveness.js';

/** How often a live process refreshes its liveness records, in ms (default). */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * How old a heartbeat may grow before its process is taken for gone when the process itself cannot
 * be checked (another host, or no start time to compare), in ms: generous, so that a process whose
 * event loop is busy for a while is never taken for dead.
 */
export const HEARTBEAT_TIMEOUT_MS = 10 * 60_000;

const livenessRecordSchema = z.object({
  version: z.literal(1),
  host: z.string(),
  pid: z.number().int().positive(),
  startTicks: z.number().int().nonnegative().optional(),
  bootId: z.string().optional(),
  heartbeatAt: z.number().int().nonnegative(),
});

/**
 * What a live process keeps on disk for each run it owns (and each journal it writes): who it is, and
 * when it last said it was alive.
 */
export interface LivenessRecord extends ProcessIdentity {
  /** Format version. */
  version: 1;
  /** When the process last wrote it, in ms since the epoch. */
  heartbeatAt: number;
}

/** The record of `identity`, alive at `now`. */
export function livenessRecord(identity: ProcessIdentity, now: number = Date.now()): LivenessRecord {
  return { version: 1, ...identity, heartbeatAt: now };
}

/**
 * Reads a liveness record; undefined when the file is missing or is not one (a torn or foreign file).
 *
 * @param file - The record's file.
 */
export async function readLivenessRecord(file: string): Promise<LivenessRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = livenessRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as LivenessRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a recorded process is taken for gone, or undefined while it may still be alive. */
export type GoneReason = string | undefined;

/**
 * Whether the process of a liveness record is gone: on this host, when no process has its id or the
 * one that has it started at another time (the id was reused); where the process cannot be checked
 * (another host, or no start time to compare), when its heartbeat is older than `timeoutMs`.
 *
 * @param record - The record.
 * @param now - The time now, in ms.
 * @param timeoutMs - How old a heartbeat may be (default {@link HEARTBEAT_TIMEOUT_MS}).
 * @returns why it is gone, or undefined when it may be alive.
 */
export function goneReason(record: LivenessRecord, now: number = Date.now(), timeoutMs: number = HEARTBEAT_TIMEOUT_MS): GoneReason {
  const { liveness, startChecked } = processLiveness(record);
  const silentFor = now - record.heartbeatAt;
  const stale = silentFor > timeoutMs;
  const minutes = `${Math.round(silentFor / 60_000)} min`;
  if (liveness === 'dead') {
    return record.startTicks !== undefined ? `process ${record.pid} on ${record.host} is gone (its id is free or now another process's)` : `process ${record.pid} on ${record.host} is gone`;
  }
  if (liveness === 'other-host') return stale ? `no heartbeat from process ${record.pid} on host ${record.host} for ${minutes}` : undefined;
  return !startChecked && stale ? `no heartbeat from process ${record.pid} for ${minutes}` : undefined;
}
