import { hostname } from 'node:os';

/** Whether the process that wrote a journal may still be writing it. */
export type WriterLiveness = 'alive' | 'dead' | 'other-host';

/**
 * Tells whether process `pid` on `host` is still running: `other-host` when it ran on another
 * machine (it cannot be checked from here), else `alive` when a process with that id exists (a
 * signal-0 probe succeeds or is refused for lack of permission), else `dead`.
 *
 * @param pid - The writer's process id, as its journal header records it.
 * @param host - The writer's host name, as its journal header records it.
 */
export function writerLiveness(pid: number, host: string): WriterLiveness {
  if (host !== hostname()) return 'other-host';
  if (pid === process.pid) return 'alive';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
}
