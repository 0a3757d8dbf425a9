import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { writerLiveness } from '../liveness/process-liveness.js';

/** A held lock on a journal; release it when done. */
export interface JournalLock {
  /** Removes the lock file. */
  release(): void;
}

/**
 * Takes the lock that keeps two `kdlab sync` processes from replaying the same journal at once: a
 * file `<journal>.lock` created exclusively, holding the owner's pid and host. A lock left by a
 * process that died is taken over.
 *
 * @param journalFile - The journal.
 * @returns the lock, or `undefined` when a live process holds it.
 */
export function lockJournal(journalFile: string): JournalLock | undefined {
  const lockFile = `${journalFile}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
      closeSync(fd);
      return { release: () => rmSync(lockFile, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockHolderIsAlive(lockFile)) return undefined;
      rmSync(lockFile, { force: true });
    }
  }
  return undefined;
}

function lockHolderIsAlive(lockFile: string): boolean {
  try {
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return false;
    return writerLiveness(holder.pid, holder.host) !== 'dead';
  } catch {
    // Gone, or left empty by a process that died between creating and writing it.
    return false;
  }
}
