import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { createGunzip } from 'node:zlib';
import { normalizeMemberPath, type ArchiveMember, type ExtractionEntry, type LibraryArchive } from './archive-member.js';

const BLOCK = 512;
/** Headers this small are kept in memory while listing, so that reading them needs no second pass. */
const CACHED_FILE_LIMIT = 1 << 20;
const CACHE_LIMIT = 64 << 20;

/** Receives one member's data. */
interface Sink {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function numeric(block: Buffer, start: number, length: number): number {
  if (block[start]! & 0x80) {
    // GNU base-256: big-endian, the top bit of the first byte set.
    let value = block[start]! & 0x7f;
    for (let index = 1; index < length; index++) value = value * 256 + block[start + index]!;
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space < 0) break;
    const length = Number(data.subarray(position, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

/**
 * A gzip-compressed tar file (a libtensorflow release tarball) read with Node alone, in one streaming
 * pass per call: ustar and GNU headers, long names (GNU `L`/`K`, pax `path`/`linkpath`), symbolic and
 * hard links.
 */
export class TarArchive implements LibraryArchive {
  private members: ArchiveMember[] | undefined;
  private readonly cache = new Map<string, Buffer>();

  /** @param path - The `.tar.gz` / `.tgz` file. */
  constructor(readonly path: string) {}

  /** All members (one pass; small headers are kept for {@link TarArchive.read}). */
  async list(): Promise<ArchiveMember[]> {
    if (this.members !== undefined) return this.members;
    const members: ArchiveMember[] = [];
    let cached = 0;
    await this.scan((member) => {
      members.push(member);
      if (member.kind !== 'file' || !member.path.endsWith('.h') || member.size > CACHED_FILE_LIMIT || cached + member.size > CACHE_LIMIT) return undefined;
      cached += member.size;
      return this.memorySink((data) => this.cache.set(member.path, data));
    });
    this.members = members;
    return members;
  }

  /** The contents of some members: from the listing's cache, else in one more pass. */
  async read(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    const wanted = new Set<string>();
    for (const path of paths) {
      const data = this.cache.get(path);
      if (data !== undefined) result.set(path, data);
      else wanted.add(path);
    }
    if (wanted.size > 0) {
      await this.scan((member) => (member.kind === 'file' && wanted.has(member.path) ? this.memorySink((data) => result.set(member.path, data)) : undefined));
    }
    return result;
  }

  /** Writes the members to their destinations in one pass, each through a temporary file. */
  async extract(entries: readonly ExtractionEntry[]): Promise<void> {
    const destinations = new Map<string, string[]>();
    for (const entry of entries) destinations.set(entry.member, [...(destinations.get(entry.member) ?? []), entry.destination]);
    const written = new Set<string>();
    await this.scan((member) => {
      const targets = member.kind === 'file' ? destinations.get(member.path) : undefined;
      if (targets === undefined) return undefined;
      written.add(member.path);
      return this.fileSink(targets);
    });
    const missing = [...destinations.keys()].filter((member) => !written.has(member));
    if (missing.length > 0) throw new Error(`${this.path}: no file member ${missing.map((member) => `"${member}"`).join(', ')}.`);
  }

  private memorySink(done: (data: Buffer) => void): Sink {
    const chunks: Buffer[] = [];
    return {
      write: async (chunk) => void chunks.push(Buffer.from(chunk)),
      end: async () => done(Buffer.concat(chunks)),
    };
  }

  private fileSink(destinations: string[]): Sink {
    const handles: Array<{ handle: FileHandle; temporary: string; destination: string }> = [];
    const opened = (async () => {
      for (const destination of destinations) {
        await mkdir(dirname(destination), { recursive: true });
        const temporary = `${destination}.${process.pid}.part`;
        handles.push({ handle: await open(temporary, 'w'), temporary, destination });
      }
    })();
    return {
      write: async (chunk) => {
        await opened;
        for (const { handle } of handles) await handle.write(chunk);
      },
      end: async () => {
        await opened;
        for (const { handle, temporary, destination } of handles) {
          await handle.close();
          await rename(temporary, destination).catch(async (error: unknown) => {
            await rm(temporary, { force: true });
            throw error;
          });
        }
      },
    };
  }

  /** Streams the archive once, telling `visit` of each member; a returned sink receives its data. */
  private async scan(visit: (member: ArchiveMember) => Sink | undefined): Promise<void> {
    let pending: Buffer = Buffer.alloc(0);
    let sink: Sink | undefined;
    let remaining = 0;
    let padding = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    let special: { type: string; chunks: Buffer[] } | undefined;
    let ended = false;

    const startMember = (header: Buffer): void => {
      const type = String.fromCharCode(header[156]!) || '0';
      const size = numeric(header, 124, 12);
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      sink = undefined;
      special = undefined;
      if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
        special = { type, chunks: [] };
        return;
      }
      const magic = text(header, 257, 6);
      const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
      const rawName = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      const rawLink = pax.get('linkpath') ?? longLink ?? text(header, 157, 100);
      longName = undefined;
      longLink = undefined;
      pax = new Map();
      const path = normalizeMemberPath(rawName, this.path);
      if (path === '') return;
      let member: ArchiveMember;
      if (type === '2') member = { path, kind: 'symlink', size: 0, linkTarget: rawLink };
      else if (type === '1') {
        // A hard link names another member from the archive's root: expressed as a relative link.
        member = { path, kind: 'symlink', size: 0, linkTarget: posix.relative(posix.dirname(path), normalizeMemberPath(rawLink, this.path)) };
      } else if (type === '5') member = { path, kind: 'directory', size: 0 };
      else if (type === '0' || type === '\0' || type === '7') member = { path, kind: 'file', size };
      else return;
      sink = visit(member);
    };

    const endSpecial = (): void => {
      const data = Buffer.concat(special!.chunks);
      if (special!.type === 'L') longName = text(data, 0, data.length);
      else if (special!.type === 'K') longLink = text(data, 0, data.length);
      else if (special!.type === 'x') pax = paxRecords(data);
      special = undefined;
    };

    for await (const chunk of createReadStream(this.path).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (!ended) {
        if (remaining > 0) {
          if (pending.length === 0) break;
          const piece = pending.subarray(0, Math.min(remaining, pending.length));
          pending = pending.subarray(piece.length);
          remaining -= piece.length;
          if (special !== undefined) special.chunks.push(Buffer.from(piece));
          else if (sink !== undefined) await sink.write(piece);
          if (remaining === 0) {
            if (special !== undefined) endSpecial();
            else if (sink !== undefined) await sink.end();
            sink = undefined;
          }
          continue;
        }
        if (padding > 0) {
          const skipped = Math.min(padding, pending.length);
          pending = pending.subarray(skipped);
          padding -= skipped;
          if (padding > 0) break;
          continue;
        }
        if (pending.length < BLOCK) break;
        const header = pending.subarray(0, BLOCK);
        pending = pending.subarray(BLOCK);
        if (header.every((byte) => byte === 0)) {
          ended = true;
          break;
        }
        startMember(header);
        if (remaining === 0) {
          if (special !== undefined) endSpecial();
          else if (sink !== undefined) await sink.end();
          sink = undefined;
        }
      }
      if (ended) break;
    }
    if (remaining > 0 || (!ended && pending.length > 0)) throw new Error(`${this.path}: the tar stream ends in the middle of a member (truncated download?).`);
  }
}
