import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_FILE_PREFIX } from '@kdlab/core';
import { currentProcessIdentity } from './process-identity.js';
import { HEARTBEAT_INTERVAL_MS, livenessRecord } from './liveness-record.js';

/** One liveness file a {@link Heartbeat} keeps fresh. */
interface BeatingFile {
  /** Where its temporary file is made (same file system). */
  tempFolder: string;
  /** Settles once its last write has. */
  writing: Promise<void>;
  /** Set once it is released: no more writes. */
  released: boolean;
}

/**
 * Keeps liveness records of this process fresh: each file added is written at once with this
 * process's host, id and start time, then rewritten with a new heartbeat every interval until it is
 * released (deleted) or the heartbeat stops (kept, with its last heartbeat: a process that ends
 * without releasing a file leaves it for `kdlab` to find). Its timer never keeps the process alive,
 * and a write that fails is ignored (the next one tries again).
 */
export class Heartbeat {
  readonly #files = new Map<string, BeatingFile>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  /** @param intervalMs - Time between heartbeats (default {@link HEARTBEAT_INTERVAL_MS}). */
  constructor(intervalMs: number = HEARTBEAT_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  /**
   * Writes a liveness record now and keeps it fresh.
   *
   * @param file - The record's file.
   * @param tempFolder - Where its temporary file is made (on the same file system).
   */
  async add(file: string, tempFolder: string): Promise<void> {
    const beating: BeatingFile = { tempFolder, writing: Promise.resolve(), released: false };
    this.#files.set(file, beating);
    await this.#write(file, beating);
    if (!beating.released) this.#timer ??= setInterval(() => this.#beat(), this.#intervalMs).unref();
  }

  /**
   * Stops refreshing a record and deletes it (its owner ended cleanly).
   *
   * @param file - The record's file.
   */
  async release(file: string): Promise<void> {
    const beating = this.#files.get(file);
    if (beating === undefined) return;
    this.#files.delete(file);
    beating.released = true;
    await beating.writing;
    await rm(file, { force: true });
    if (this.#files.size === 0) this.stop();
  }

  /** Stops refreshing every record, leaving them on disk with their last heartbeat. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #beat(): void {
    for (const [file, beating] of this.#files) void this.#write(file, beating);
  }

  #write(file: string, beating: BeatingFile): Promise<void> {
    beating.writing = beating.writing.then(async () => {
      if (beating.released) return;
      await writeRecord(beating.tempFolder, file, JSON.stringify(livenessRecord(currentProcessIdentity())));
    });
    return beating.writing;
  }
}

/**
 * Replaces `file` with `text` through a temporary file, creating no folder: a record whose folder was
 * deleted (the run or the store removed) is not brought back. Failures are ignored.
 */
async function writeRecord(tempFolder: string, file: string, text: string): Promise<void> {
  const temporary = join(tempFolder, `${TEMP_FILE_PREFIX}${randomBytes(12).toString('hex')}`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}
