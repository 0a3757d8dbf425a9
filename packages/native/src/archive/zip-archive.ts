import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { normalizeMemberPath, type ArchiveMember, type ExtractionEntry, type LibraryArchive } from './archive-member.js';
import { crc32 } from './crc32.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
const STORED = 0;
const DEFLATED = 8;
const UNIX_TYPE_MASK = 0o170000;
const UNIX_SYMLINK = 0o120000;
const UNIX_DIRECTORY = 0o040000;

/** A member as the central directory describes it. */
interface ZipEntry {
  member: ArchiveMember;
  method: number;
  crc: number;
  compressedSize: number;
  localHeaderOffset: number;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Counts bytes and checks their CRC-32 as they stream past. */
class CrcCheck extends Transform {
  private crc = 0;
  private bytes = 0;

  constructor(
    private readonly expectedCrc: number,
    private readonly expectedSize: number,
    private readonly label: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.expectedSize) callback(new Error(`${this.label}: expected ${this.expectedSize} bytes, got ${this.bytes} (truncated or corrupt archive).`));
    else if (this.crc >>> 0 !== this.expectedCrc >>> 0) callback(new Error(`${this.label}: CRC-32 mismatch (corrupt archive).`));
    else callback();
  }
}

/**
 * A zip file (a Python wheel) read with Node alone: the central directory for the listing (zip64
 * included), stored or deflated members streamed out with their CRC-32 checked.
 */
export class ZipArchive implements LibraryArchive {
  private entries: Map<string, ZipEntry> | undefined;

  /** @param path - The zip file. */
  constructor(readonly path: string) {}

  /** All members, from the central directory. */
  async list(): Promise<ArchiveMember[]> {
    return [...(await this.load()).values()].map((entry) => entry.member);
  }

  /** The contents of some members, inflated in memory (for small files). */
  async read(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const entries = await this.load();
    const result = new Map<string, Buffer>();
    const handle = await open(this.path, 'r');
    try {
      for (const path of paths) {
        const entry = entries.get(path);
        if (entry === undefined || entry.member.kind !== 'file') continue;
        const start = await this.dataStart(handle, entry);
        const raw = await readAt(handle, start, entry.compressedSize);
        const data = entry.method === STORED ? raw : inflateRawSync(raw);
        if (crc32(data) >>> 0 !== entry.crc >>> 0) throw new Error(`${this.path}: member "${path}": CRC-32 mismatch (corrupt archive).`);
        result.set(path, data);
      }
    } finally {
      await handle.close();
    }
    return result;
  }

  /** Streams members to their destinations through a temporary file each. */
  async extract(entries: readonly ExtractionEntry[]): Promise<void> {
    const index = await this.load();
    const handle = await open(this.path, 'r');
    try {
      for (const { member, destination } of entries) {
        const entry = index.get(member);
        if (entry === undefined || entry.member.kind !== 'file') throw new Error(`${this.path}: no file member "${member}".`);
        const start = await this.dataStart(handle, entry);
        await mkdir(dirname(destination), { recursive: true });
        const temporary = `${destination}.${process.pid}.part`;
        const label = `${this.path}: member "${member}"`;
        try {
          const source = entry.compressedSize === 0 ? Readable.from([]) : createReadStream(this.path, { start, end: start + entry.compressedSize - 1 });
          const check = new CrcCheck(entry.crc, entry.member.size, label);
          if (entry.method === DEFLATED) await pipeline(source, createInflateRaw(), check, createWriteStream(temporary));
          else await pipeline(source, check, createWriteStream(temporary));
          await rename(temporary, destination);
        } catch (error) {
          await rm(temporary, { force: true });
          throw error;
        }
      }
    } finally {
      await handle.close();
    }
  }

  private async dataStart(handle: FileHandle, entry: ZipEntry): Promise<number> {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new Error(`${this.path}: member "${entry.member.path}": bad local header at offset ${entry.localHeaderOffset}.`);
    }
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  }

  private async load(): Promise<Map<string, ZipEntry>> {
    if (this.entries !== undefined) return this.entries;
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      const { offset, length } = await this.centralDirectory(handle, size);
      const entries = this.parseCentralDirectory(await readAt(handle, offset, length));
      this.entries = entries;
      // A symbolic link's target is stored as its data.
      const links = [...entries.values()].filter((entry) => entry.member.kind === 'symlink');
      for (const entry of links) entry.member.kind = 'file';
      const targets = await this.read(links.map((entry) => entry.member.path));
      for (const entry of links) Object.assign(entry.member, { kind: 'symlink', size: 0, linkTarget: targets.get(entry.member.path)!.toString('utf8') });
      return entries;
    } finally {
      await handle.close();
    }
  }

  private async centralDirectory(handle: FileHandle, size: number): Promise<{ offset: number; length: number }> {
    const tailLength = Math.min(size, 0xffff + 22);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let end = -1;
    for (let position = tail.length - 22; position >= 0; position--) {
      if (tail.readUInt32LE(position) === END_OF_CENTRAL_DIRECTORY) {
        end = position;
        break;
      }
    }
    if (end < 0) throw new Error(`${this.path}: not a zip file (no end-of-central-directory record).`);
    let offset = tail.readUInt32LE(end + 16);
    let length = tail.readUInt32LE(end + 12);
    const locator = end - 20;
    if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_END_LOCATOR) {
      const zip64End = await readAt(handle, Number(tail.readBigUInt64LE(locator + 8)), 56);
      if (zip64End.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) throw new Error(`${this.path}: bad zip64 end-of-central-directory record.`);
      length = Number(zip64End.readBigUInt64LE(40));
      offset = Number(zip64End.readBigUInt64LE(48));
    }
    if (offset + length > size) throw new Error(`${this.path}: the central directory lies past the end of the file (truncated download?).`);
    return { offset, length };
  }

  private parseCentralDirectory(directory: Buffer): Map<string, ZipEntry> {
    const entries = new Map<string, ZipEntry>();
    let position = 0;
    while (position + 46 <= directory.length && directory.readUInt32LE(position) === CENTRAL_FILE_HEADER) {
      const madeBy = directory.readUInt16LE(position + 4) >> 8;
      const flags = directory.readUInt16LE(position + 8);
      const method = directory.readUInt16LE(position + 10);
      const crc = directory.readUInt32LE(position + 16);
      let compressedSize = directory.readUInt32LE(position + 20);
      let size = directory.readUInt32LE(position + 24);
      const nameLength = directory.readUInt16LE(position + 28);
      const extraLength = directory.readUInt16LE(position + 30);
      const commentLength = directory.readUInt16LE(position + 32);
      const mode = directory.readUInt32LE(position + 38) >>> 16;
      let localHeaderOffset = directory.readUInt32LE(position + 42);
      const nameBytes = directory.subarray(position + 46, position + 46 + nameLength);
      const rawName = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
      const extra = directory.subarray(position + 46 + nameLength, position + 46 + nameLength + extraLength);
      for (let at = 0; at + 4 <= extra.length; ) {
        const id = extra.readUInt16LE(at);
        const fieldLength = extra.readUInt16LE(at + 2);
        if (id === ZIP64_EXTRA) {
          let field = at + 4;
          if (size === 0xffffffff) (size = Number(extra.readBigUInt64LE(field))), (field += 8);
          if (compressedSize === 0xffffffff) (compressedSize = Number(extra.readBigUInt64LE(field))), (field += 8);
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(extra.readBigUInt64LE(field));
        }
        at += 4 + fieldLength;
      }
      position += 46 + nameLength + extraLength + commentLength;
      if (method !== STORED && method !== DEFLATED) throw new Error(`${this.path}: member "${rawName}" uses compression method ${method}; only stored and deflated are supported.`);
      const unixType = madeBy === 3 ? mode & UNIX_TYPE_MASK : 0;
      const kind = rawName.endsWith('/') || unixType === UNIX_DIRECTORY ? 'directory' : unixType === UNIX_SYMLINK ? 'symlink' : 'file';
      const path = normalizeMemberPath(rawName, this.path);
      if (path === '') continue;
      const member: ArchiveMember = { path, kind, size: kind === 'file' ? size : 0 };
      entries.set(path, { member, method, crc, compressedSize, localHeaderOffset });
    }
    return entries;
  }
}
