import { readFileSync } from 'node:fs';

/** When a process started, precisely enough to tell it from a later process given the same id. */
export interface ProcessStart {
  /** Its start time in clock ticks since the machine booted (Linux: field 22 of `/proc/<pid>/stat`). */
  startTicks: number;
  /** The id of the boot it started in (Linux: `/proc/sys/kernel/random/boot_id`), when readable. */
  bootId?: string;
}

let bootIdCache: string | undefined | null = null;

/**
 * The id of the current boot: stable for as long as the machine runs (unlike `/proc/stat`'s `btime`,
 * which moves when the clock is set), different after a reboot. Undefined where it cannot be read.
 */
export function currentBootId(): string | undefined {
  if (bootIdCache === null) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      bootIdCache = undefined;
    }
  }
  return bootIdCache;
}

/**
 * When process `pid` started, read from `/proc/<pid>/stat` (Linux); undefined where there is no such
 * file (the process is gone, or the system has no `/proc`).
 *
 * @param pid - The process id.
 */
export function readProcessStart(pid: number): ProcessStart | undefined {
  const fields = readStatFields(pid);
  if (fields === undefined) return undefined;
  const startTicks = Number(fields[19]);
  if (!Number.isSafeInteger(startTicks)) return undefined;
  const bootId = currentBootId();
  return bootId === undefined ? { startTicks } : { startTicks, bootId };
}

/**
 * Whether process `pid` has exited but is not yet reaped by its parent (a zombie, state `Z`, or
 * being torn down, state `X`): such a process keeps its id and answers a signal-0 probe, but it runs
 * no code. A sweep killed with `-9` in a container whose first process reaps nobody leaves its
 * workers so. False where it cannot be read (Linux `/proc` only).
 *
 * @param pid - The process id.
 */
export function isExitedProcess(pid: number): boolean {
  const state = readStatFields(pid)?.[0];
  return state === 'Z' || state === 'X' || state === 'x';
}

/** The fields of `/proc/<pid>/stat` from field 3 (state) on; undefined where it cannot be read. */
function readStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted from
  // the last ')'; the field after it is field 3, so field 22 (starttime) is the 20th there.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
