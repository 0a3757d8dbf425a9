import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { blobFolderOf } from './journal-location.js';
import type { JournalRecord, SessionRecord } from './journal-records.js';
import { parseJournalLine } from './read-journal.js';

const fdatasyncAsync = promisify(fdatasync);

/** How a journal is written. */
export interface JournalWriterOptions {
  /** Longest time a written line may wait for its fsync, in ms. Default 200. */
  fsyncIntervalMs?: number;
}

/**
 * Appends records to a journal file, one JSON line each. Each line goes to the operating system at
 * once, in one `write` call (so a killed process loses nothing it had journaled); the file is
 * fsync'd in batches, at most `fsyncIntervalMs` after a write and on {@link JournalWriter.sync}.
 * Only one writer may have a journal open.
 */
export class JournalWriter {
  /** Absolute path of the journal file. */
  readonly file: string;
  readonly #fsyncIntervalMs: number;
  #fd: number | undefined;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(file: string, fd: number, options: JournalWriterOptions) {
    this.file = file;
    this.#fd = fd;
    this.#fsyncIntervalMs = options.fsyncIntervalMs ?? 200;
  }

  /**
   * Creates a new journal (the folder too) and writes its header, durably.
   *
   * @param file - Absolute path of the new journal; it must not exist.
   * @param header - The session record, the journal's first line.
   * @param options - fsync batching.
   */
  static create(file: string, header: SessionRecord, options: JournalWriterOptions = {}): JournalWriter {
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'wx');
    const writer = new JournalWriter(file, fd, options);
    writer.append(header);
    fsyncSync(fd);
    writer.#dirty = false;
    syncFolder(dirname(file));
    return writer;
  }

  /**
   * Opens an existing journal for appending (to acknowledge what a replay sent). A torn last line,
   * left by a process killed mid-write, is cut off first (or, when it is a whole record that only
   * lacks its newline, completed) so that new lines start on a line of their own.
   *
   * @param file - The journal.
   * @param options - fsync batching.
   */
  static reopen(file: string, options: JournalWriterOptions = {}): JournalWriter {
    const contents = readFileSync(file);
    const lastNewline = contents.lastIndexOf(0x0a);
    const tail = contents.subarray(lastNewline + 1);
    const tailIsRecord = tail.length > 0 && parseJournalLine(tail.toString('utf8')) !== undefined;
    if (tail.length > 0 && !tailIsRecord) truncateSync(file, lastNewline + 1);
    const fd = openSync(file, 'a');
    if (tailIsRecord) writeSync(fd, '\n');
    return new JournalWriter(file, fd, options);
  }

  /**
   * Writes one record as a line. Throws when the file cannot be written (disk full, closed).
   *
   * @param record - The record.
   */
  append(record: JournalRecord): void {
    if (this.#fd === undefined) throw new Error(`Journal ${this.file} is closed: cannot append a '${record.t}' record.`);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.sync().catch(() => undefined);
    }, this.#fsyncIntervalMs).unref();
  }

  /**
   * Stores contents too large to sit inline in a line, in a file beside the journal, durably (before
   * the line that names it is written).
   *
   * @param name - File name inside the journal's blob folder.
   * @param contents - The bytes.
   * @returns the name to put in the record.
   */
  writeBlob(name: string, contents: Uint8Array): string {
    const folder = blobFolderOf(this.file);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, basename(name));
    writeFileSync(file, contents);
    const fd = openSync(file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return basename(name);
  }

  /** Forces every line written so far to disk. */
  async sync(): Promise<void> {
    if (this.#fd === undefined || !this.#dirty) return;
    this.#dirty = false;
    await fdatasyncAsync(this.#fd);
  }

  /** Syncs and closes the file; the writer cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#fd === undefined) return;
    await this.sync();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Closes the journal and deletes it with its blob folder (once everything in it is on the server). */
  async remove(): Promise<void> {
    await this.close();
    rmSync(blobFolderOf(this.file), { recursive: true, force: true });
    rmSync(this.file, { force: true });
  }
}

/**
 * Reads contents a journal keeps in its blob folder.
 *
 * @param journalFile - The journal.
 * @param name - The blob's name as its record gives it.
 */
export async function readJournalBlob(journalFile: string, name: string): Promise<Uint8Array> {
  const file = join(blobFolderOf(journalFile), basename(name));
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new Error(`Journal ${journalFile}: cannot read artifact contents ${file}: ${(error as Error).message}`);
  }
}

/** fsyncs a folder so that a file just created in it survives a crash (a no-op where folders cannot be opened). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a folder; the file's own fsync still holds its contents.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
