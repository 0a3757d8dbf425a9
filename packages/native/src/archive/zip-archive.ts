import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { normalizeMemberPath, type ArchiveMember, type ExtractionEntry, type LibraryArchive } from './archive-member.js';

const DEFLATED = 8;
const UNIX_HOST = 3;
const UNIX_TYPE_MASK = 0o170000;
const UNIX_SYMLINK = 0o120000;
const UNIX_DIRECTORY = 0o040000;

/** Node's CRC-32 (20.15+). yauzl checks sizes but not CRC-32, so the check is kept here where Node can do it. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** A member and the central-directory entry it came from. */
interface ZipMember {
  member: ArchiveMember;
  entry: Entry;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Counts bytes and checks their CRC-32 as they stream past. */
class CrcCheck extends Transform {
  private crc = 0;
  private bytes = 0;

  constructor(private readonly entry: Entry) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (crc32 !== undefined) this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.uncompressedSize) callback(new Error(`expected ${this.entry.uncompressedSize} bytes, got ${this.bytes} (truncated or corrupt archive).`));
    else if (crc32 !== undefined && this.crc >>> 0 !== this.entry.crc32 >>> 0) callback(new Error('CRC-32 mismatch (corrupt archive).'));
    else callback();
  }
}

/** Collects a stream's bytes. */
function memorySink(done: (data: Buffer) => void): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    final(callback) {
      done(Buffer.concat(chunks));
      callback();
    },
  });
}

/**
 * A zip file (a Python wheel) read with yauzl: the central directory for the listing (zip64
 * included), stored or deflated members streamed out (never the whole archive in memory), each
 * checked against its size and CRC-32.
 */
export class ZipArchive implements LibraryArchive {
  private loading: Promise<Map<string, ZipMember>> | undefined;

  /** @param path - The zip file. */
  constructor(readonly path: string) {}

  /** All members, from the central directory. */
  async list(): Promise<ArchiveMember[]> {
    return [...(await this.load()).values()].map((entry) => entry.member);
  }

  /** The contents of some members, inflated in memory (for small files). */
  async read(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const members = await this.load();
    const result = new Map<string, Buffer>();
    const wanted = paths.flatMap((path) => {
      const found = members.get(path);
      return found !== undefined && found.member.kind === 'file' ? [found] : [];
    });
    if (wanted.length === 0) return result;
    await this.withZip(async (zip) => {
      for (const { member, entry } of wanted) await this.copyMember(zip, member.path, entry, () => memorySink((data) => result.set(member.path, data)));
    });
    return result;
  }

  /** Streams members to their destinations through a temporary file each. */
  async extract(entries: readonly ExtractionEntry[]): Promise<void> {
    const members = await this.load();
    const planned = entries.map(({ member, destination }) => {
      const found = members.get(member);
      if (found === undefined || found.member.kind !== 'file') throw new Error(`${this.path}: no file member "${member}".`);
      return { found, destination };
    });
    await this.withZip(async (zip) => {
      for (const { found, destination } of planned) {
        await mkdir(dirname(destination), { recursive: true });
        const temporary = `${destination}.${process.pid}.part`;
        try {
          await this.copyMember(zip, found.member.path, found.entry, () => createWriteStream(temporary));
          await rename(temporary, destination);
        } catch (error) {
          await rm(temporary, { force: true });
          throw error;
        }
      }
    });
  }

  /** Opens the zip for one operation (reading only its end record), and closes it after. */
  private async withZip<T>(use: (zip: ZipFile) => Promise<T>): Promise<T> {
    let zip: ZipFile;
    try {
      zip = await openPromise(this.path, { autoClose: false, lazyEntries: true });
    } catch (error) {
      throw new Error(`${this.path}: ${message(error)}`);
    }
    try {
      return await use(zip);
    } finally {
      zip.close();
    }
  }

  /**
   * Streams one member's data, decoded and checked, into the writable that `sink` makes (once the
   * data can flow). The entry may come from an earlier opening of the same file: yauzl's low-level
   * calls (`readLocalFileHeader`, `openReadStreamLowLevel`) are meant for that.
   */
  private async copyMember(zip: ZipFile, path: string, entry: Entry, sink: () => Writable): Promise<void> {
    try {
      if (!entry.canDecodeFileData()) {
        throw new Error(entry.isEncrypted() ? 'is encrypted' : `uses compression method ${entry.compressionMethod}; only stored and deflated are supported`);
      }
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      // The callback form: yauzl 3.4.0's openReadStreamLowLevelPromise calls openReadStream by mistake.
      const data = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStreamLowLevel(fileDataStart, entry.compressedSize, 0, entry.compressedSize, entry.compressionMethod === DEFLATED, entry.uncompressedSize, (error, stream) =>
          error === null ? resolve(stream) : reject(error),
        ),
      );
      await pipeline(data, new CrcCheck(entry), sink());
    } catch (error) {
      throw new Error(`${this.path}: member "${path}": ${message(error)}`);
    }
  }

  private load(): Promise<Map<string, ZipMember>> {
    this.loading ??= this.readCentralDirectory().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async readCentralDirectory(): Promise<Map<string, ZipMember>> {
    return this.withZip(async (zip) => {
      const entries: Entry[] = [];
      try {
        for await (const entry of zip.eachEntry()) entries.push(entry);
      } catch (error) {
        throw new Error(`${this.path}: ${message(error)}`);
      }
      const members = new Map<string, ZipMember>();
      for (const entry of entries) {
        const unixType = entry.versionMadeBy >> 8 === UNIX_HOST ? (entry.externalFileAttributes >>> 16) & UNIX_TYPE_MASK : 0;
        const kind = entry.fileName.endsWith('/') || unixType === UNIX_DIRECTORY ? 'directory' : unixType === UNIX_SYMLINK ? 'symlink' : 'file';
        const path = normalizeMemberPath(entry.fileName, this.path);
        if (path === '') continue;
        members.set(path, { member: { path, kind, size: kind === 'file' ? entry.uncompressedSize : 0 }, entry });
      }
      // A symbolic link's target is stored as its data.
      for (const { member, entry } of members.values()) {
        if (member.kind === 'symlink') await this.copyMember(zip, member.path, entry, () => memorySink((data) => (member.linkTarget = data.toString('utf8'))));
      }
      return members;
    });
  }
}
