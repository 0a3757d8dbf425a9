import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The environment variable naming the journal folder. */
export const JOURNAL_DIR_VARIABLE = 'KDLAB_JOURNAL_DIR';

/** The journal folder below the working folder when no other is given. */
export const DEFAULT_JOURNAL_DIR = join('.kdlab', 'journal');

/** The file name ending of a journal. */
export const JOURNAL_EXTENSION = '.jsonl';

/** Where to look for the journal folder. */
export interface JournalDirOptions {
  /** A folder given explicitly (option or flag); wins over the environment. */
  journalDir?: string;
  /** What a relative folder is resolved against; defaults to the process's folder. */
  cwd?: string;
  /** Where `KDLAB_JOURNAL_DIR` is read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The absolute journal folder: the one given, else `KDLAB_JOURNAL_DIR`, else `.kdlab/journal` in the
 * working folder.
 *
 * @param options - The folder, working folder and environment.
 */
export function resolveJournalDir(options: JournalDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const given = options.journalDir ?? (options.env ?? process.env)[JOURNAL_DIR_VARIABLE];
  return resolve(cwd, given !== undefined && given !== '' ? given : DEFAULT_JOURNAL_DIR);
}

/**
 * A fresh journal file name for one tracker session: the time it started (sortable), the process
 * id and a random suffix, e.g. `20250101T120000Z-4242-a1b2c3.jsonl`.
 *
 * @param now - The session's start, in ms since the epoch.
 */
export function newJournalFileName(now: number = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}${JOURNAL_EXTENSION}`;
}

/**
 * The liveness record beside journal `file`: the writing process's identity and heartbeat, kept fresh
 * while it writes the journal (see `kdlab sync`).
 */
export function livenessFileOf(file: string): string {
  return `${file.slice(0, -JOURNAL_EXTENSION.length)}.live.json`;
}

/** The folder holding the artifact contents too large to sit inline in journal `file`. */
export function blobFolderOf(file: string): string {
  return `${file.slice(0, -JOURNAL_EXTENSION.length)}.blobs`;
}

/**
 * The journal files in a folder, oldest first (by name, which starts with the session's start
 * time); none when the folder does not exist.
 *
 * @param dir - The journal folder.
 */
export async function listJournalFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith(JOURNAL_EXTENSION))
    .sort()
    .map((name) => join(dir, name));
}
