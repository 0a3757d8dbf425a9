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
  /** Longest time an appended record may wait before it is written to the file, in ms. Default 20. */
  writeDelayMs?: number;
  /** Longest time a written line may wait for its fsync, in ms. Default 200. */
  fsyncIntervalMs?: number;
}

/** Records waiting to be written beyond this many are written at once. */
const MAX_BUFFERED_RECORDS = 512;

/**
 * Appends records to a journal file, one JSON line each, in two batched steps that keep the work
 * off the caller's path: appended records are written to the file together, at most `writeDelayMs`
 * later (and at once on {@link JournalWriter.sync}, {@link JournalWriter.close} and when the process
 * exits), in one `write` call that only ever adds whole lines; the file is then fsync'd at most
 * `fsyncIntervalMs` after a write. A process killed with SIGKILL loses at most the records of its
 * last `writeDelayMs`; a machine that crashes, at most its last `writeDelayMs + fsyncIntervalMs`.
 * Only one writer may have a journal open.
 */
export class JournalWriter {
  /** Absolute path of the journal file. */
  readonly file: string;
  readonly #writeDelayMs: number;
  readonly #fsyncIntervalMs: number;
  #onError: (error: unknown) => void = () => undefined;
  readonly #writeOnExit = (): void => {
    try {
      this.writePending();
    } catch {
      // The process is exiting: nothing more can be done about a failed write.
    }
  };
  #fd: number | undefined;
  #buffer: JournalRecord[] = [];
  #dirty = false;
  #writeTimer: NodeJS.Timeout | undefined;
  #syncTimer: NodeJS.Timeout | undefined;

  private constructor(file: string, fd: number, options: JournalWriterOptions) {
    this.file = file;
    this.#fd = fd;
    this.#writeDelayMs = options.writeDelayMs ?? 20;
    this.#fsyncIntervalMs = options.fsyncIntervalMs ?? 200;
    process.on('exit', this.#writeOnExit);
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
    writer.writePending();
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
   * Sets who is told when a delayed write or fsync fails (a direct call throws instead).
   *
   * @param handler - Receives the error.
   */
  onError(handler: (error: unknown) => void): void {
    this.#onError = handler;
  }

  /**
   * Appends one record; it is written as a line within `writeDelayMs` (see the class).
   *
   * @param record - The record (not changed afterwards).
   * @throws Error when the journal is closed.
   */
  append(record: JournalRecord): void {
    if (this.#fd === undefined) throw new Error(`Journal ${this.file} is closed: cannot append a '${record.t}' record.`);
    this.#buffer.push(record);
    if (this.#buffer.length >= MAX_BUFFERED_RECORDS) this.writePending();
    else {
      this.#writeTimer ??= setTimeout(() => {
        this.#writeTimer = undefined;
        try {
          this.writePending();
        } catch (error) {
          this.#onError(error);
        }
      }, this.#writeDelayMs);
    }
  }

  /**
   * Writes every appended record to the file now, in one `write` of whole lines.
   *
   * @throws Error when the file cannot be written (disk full, closed); the records stay unwritten.
   */
  writePending(): void {
    if (this.#buffer.length === 0 || this.#fd === undefined) return;
    const bytes = Buffer.from(this.#buffer.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    this.#buffer = [];
    this.#dirty = true;
    this.#syncTimer ??= setTimeout(() => {
      this.#syncTimer = undefined;
      this.sync().catch((error: unknown) => this.#onError(error));
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

  /** Writes every appended record and forces the file to disk. */
  async sync(): Promise<void> {
    this.writePending();
    if (this.#fd === undefined || !this.#dirty) return;
    this.#dirty = false;
    await fdatasyncAsync(this.#fd);
  }

  /** Writes, syncs and closes the file; the writer cannot be used afterwards. */
  async close(): Promise<void> {
    for (const timer of [this.#writeTimer, this.#syncTimer]) if (timer !== undefined) clearTimeout(timer);
    this.#writeTimer = undefined;
    this.#syncTimer = undefined;
    if (this.#fd === undefined) return;
    try {
      await this.sync();
    } finally {
      process.off('exit', this.#writeOnExit);
      closeSync(this.#fd);
      this.#fd = undefined;
    }
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
