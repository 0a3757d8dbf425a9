import { hostname } from 'node:os';
import { readProcessStart } from './process-start.js';

/** Who a process is: its host, its id and, where it can be read, when it started (so that a reused id is told apart). */
export interface ProcessIdentity {
  /** The host name. */
  host: string;
  /** The process id. */
  pid: number;
  /** Its start time in clock ticks since boot (Linux), when known. */
  startTicks?: number;
  /** The id of the boot it started in (Linux), when known. */
  bootId?: string;
}

let current: ProcessIdentity | undefined;

/** This process's identity (read once). */
export function currentProcessIdentity(): ProcessIdentity {
  if (current === undefined || current.pid !== process.pid) {
    current = { host: hostname(), pid: process.pid, ...readProcessStart(process.pid) };
  }
  return current;
}
