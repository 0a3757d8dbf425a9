import type { CallDraft, CallRecord, CreatedRecord, DoneRecord, JournalRecord, RejectedRecord } from './journal-records.js';
import type { JournalWriter } from './journal-writer.js';

/** Artifact contents up to this many bytes sit inline in their journal line; larger ones go to a blob file. */
export const INLINE_ARTIFACT_LIMIT = 64 * 1024;

/**
 * The journal of one tracker session (or of a sync replaying one): numbers the calls, writes them
 * and their acknowledgements (batched, see {@link JournalWriter}), and keeps going in memory (with
 * one warning) when the disk refuses a write, so that tracking never stops training.
 */
export class SessionJournal {
  readonly #writer: JournalWriter;
  readonly #warn: (message: string) => void;
  #lastSeq: number;
  #failed = false;

  /**
   * @param writer - The open journal file.
   * @param lastSeq - Position of the last call already in it (0 for a new journal).
   * @param warn - Where a write failure is reported.
   */
  constructor(writer: JournalWriter, lastSeq: number, warn: (message: string) => void) {
    this.#writer = writer;
    this.#lastSeq = lastSeq;
    this.#warn = warn;
    writer.onError((error) => this.#fail(error));
  }

  /** Absolute path of the journal file. */
  get file(): string {
    return this.#writer.file;
  }

  /** Position of the last call journaled. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** True once a write failed: later calls live in memory only. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Journals a call: gives it the next position and the current time, and writes it as one line.
   *
   * @param draft - The call.
   * @returns the record as journaled.
   */
  appendCall(draft: CallDraft): CallRecord {
    const record = { ...draft, seq: this.#lastSeq + 1, at: Date.now() } as CallRecord;
    this.#lastSeq = record.seq;
    this.#write(record);
    return record;
  }

  /**
   * Journals an artifact call: text or bytes up to {@link INLINE_ARTIFACT_LIMIT} inline, larger
   * contents in a blob file written (and fsync'd) before the line that names it.
   *
   * @param run - The run's local id.
   * @param path - The run-relative artifact path.
   * @param contents - Text (UTF-8) or bytes.
   * @returns the record as journaled.
   */
  appendArtifact(run: string, path: string, contents: string | Uint8Array): CallRecord {
    const text = typeof contents === 'string';
    const bytes = text ? Buffer.from(contents, 'utf8') : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
    if (bytes.length > INLINE_ARTIFACT_LIMIT && !this.#failed) {
      try {
        const name = this.#writer.writeBlob(`${this.#lastSeq + 1}.bin`, bytes);
        return this.appendCall({ t: 'artifact', run, path, encoding: 'blob', data: name, text });
      } catch (error) {
        this.#fail(error);
      }
    }
    return text
      ? this.appendCall({ t: 'artifact', run, path, encoding: 'utf8', data: contents, text })
      : this.appendCall({ t: 'artifact', run, path, encoding: 'base64', data: bytes.toString('base64'), text });
  }

  /**
   * Journals an acknowledgement: a run's server id, calls done, or a call refused.
   *
   * @param record - The acknowledgement.
   */
  acknowledge(record: CreatedRecord | DoneRecord | RejectedRecord): void {
    this.#write(record);
  }

  /** Writes what was appended to the file now (before it is sent, so the journal always comes first). */
  writePending(): void {
    if (this.#failed) return;
    try {
      this.#writer.writePending();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Forces what was written to disk. */
  async sync(): Promise<void> {
    if (!this.#failed) await this.#writer.sync().catch((error: unknown) => this.#fail(error));
  }

  /** Syncs and closes the file. */
  async close(): Promise<void> {
    await this.#writer.close().catch((error: unknown) => this.#fail(error));
  }

  /** Closes and deletes the journal (everything in it is on the server). */
  async remove(): Promise<void> {
    await this.#writer.remove();
  }

  #write(record: JournalRecord): void {
    if (this.#failed) return;
    try {
      this.#writer.append(record);
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#warn(
      `cannot write journal ${this.file} (${(error as Error).message}): tracking goes on, but calls not yet on the ` +
        'server now live in memory only and are lost if this process dies.',
    );
  }
}
