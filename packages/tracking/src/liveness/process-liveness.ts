import { hostname } from 'node:os';
import type { ProcessIdentity } from './process-identity.js';
import { isExitedProcess, readProcessStart, type ProcessStart } from './process-start.js';

/** Whether the process that wrote a journal (or owns a run) may still be writing it. */
export type WriterLiveness = 'alive' | 'dead' | 'other-host';

/**
 * Tells whether process `pid` on `host` is still running: `other-host` when it ran on another
 * machine (it cannot be checked from here), else `dead` when no process has that id, when the process
 * with that id has exited and waits to be reaped (a zombie), or when the process that has it now
 * started at another time than the one recorded (the id was reused), else
 * `alive` (a signal-0 probe succeeds or is refused for lack of permission, and the start time matches
 * or cannot be compared).
 *
 * @param pid - The writer's process id, as recorded.
 * @param host - The writer's host name, as recorded.
 * @param start - The writer's start time, as recorded (older records have none).
 */
export function writerLiveness(pid: number, host: string, start?: Partial<ProcessStart>): WriterLiveness {
  if (host !== hostname()) return 'other-host';
  if (pid !== process.pid) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
    }
    if (isExitedProcess(pid)) return 'dead';
  }
  return startMatches(pid, start) === false ? 'dead' : 'alive';
}

/**
 * Whether the start time recorded for `pid` is the start time of the process that has that id now:
 * undefined when it cannot be compared (nothing recorded, or nothing to read it from).
 */
function startMatches(pid: number, recorded: Partial<ProcessStart> | undefined): boolean | undefined {
  if (recorded?.startTicks === undefined) return undefined;
  const now = readProcessStart(pid);
  if (now === undefined) return undefined;
  if (recorded.bootId !== undefined && now.bootId !== undefined && recorded.bootId !== now.bootId) return false;
  return recorded.startTicks === now.startTicks;
}

/** What {@link processLiveness} found out about a recorded process. */
export interface ProcessLivenessCheck {
  /** Whether it may still run (see {@link writerLiveness}). */
  liveness: WriterLiveness;
  /**
   * Whether its start time was compared: when it was not, a live process with its id may be another
   * one, and only a heartbeat can tell.
   */
  startChecked: boolean;
}

/**
 * {@link writerLiveness} of a recorded identity, and whether its start time could be checked.
 *
 * @param identity - The recorded host, pid and start time.
 */
export function processLiveness(identity: ProcessIdentity): ProcessLivenessCheck {
  const liveness = writerLiveness(identity.pid, identity.host, identity);
  const startChecked = liveness === 'alive' && identity.startTicks !== undefined && readProcessStart(identity.pid) !== undefined;
  return { liveness, startChecked };
}
