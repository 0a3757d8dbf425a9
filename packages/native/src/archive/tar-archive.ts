import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Header } from 'tar-stream';
import { normalizeMemberPath, type ArchiveMember, type ExtractionEntry, type LibraryArchive } from './archive-member.js';

/** Headers this small are kept in memory while listing, so that reading them needs no second pass. */
const CACHED_FILE_LIMIT = 1 << 20;
const CACHE_LIMIT = 64 << 20;

/** Takes one member's data as it streams past. */
type Consumer = (data: AsyncIterable<Buffer>) => Promise<void>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A member's data, collected in memory. */
function toMemory(done: (data: Buffer) => void): Consumer {
  return async (data) => {
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk);
    done(Buffer.concat(chunks));
  };
}

/** A member's data, written to each destination through a temporary file (removed on failure). */
function toFiles(destinations: readonly string[]): Consumer {
  return async (data) => {
    const parts: Array<{ handle: FileHandle | undefined; temporary: string; destination: string }> = [];
    try {
      for (const destination of destinations) {
        await mkdir(dirname(destination), { recursive: true });
        const temporary = `${destination}.${process.pid}.part`;
        parts.push({ handle: await open(temporary, 'w'), temporary, destination });
      }
      for await (const chunk of data) {
        for (const { handle } of parts) {
          for (let written = 0; written < chunk.length; ) written += (await handle!.write(chunk, written)).bytesWritten;
        }
      }
      for (const part of parts) {
        await part.handle!.close();
        part.handle = undefined;
        await rename(part.temporary, part.destination);
      }
    } catch (error) {
      for (const part of parts) {
        await part.handle?.close().catch(() => undefined);
        await rm(part.temporary, { force: true });
      }
      throw error;
    }
  };
}

/**
 * A gzip-compressed tar file (a libtensorflow release tarball) read with tar-stream, in one
 * streaming pass per call (never the whole archive in memory): ustar, GNU and pax headers, long
 * names, symbolic and hard links.
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
      return toMemory((data) => this.cache.set(member.path, data));
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
      await this.scan((member) => (member.kind === 'file' && wanted.has(member.path) ? toMemory((data) => result.set(member.path, data)) : undefined));
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
      return toFiles(targets);
    });
    const missing = [...destinations.keys()].filter((member) => !written.has(member));
    if (missing.length > 0) throw new Error(`${this.path}: no file member ${missing.map((member) => `"${member}"`).join(', ')}.`);
  }

  /** What a tar header describes, as a member (undefined for devices, FIFOs and the archive root). */
  private memberOf(header: Header): ArchiveMember | undefined {
    const path = normalizeMemberPath(header.name, this.path);
    if (path === '') return undefined;
    const link = header.linkname ?? '';
    switch (header.type) {
      case 'file':
      case 'contiguous-file':
        return { path, kind: 'file', size: header.size };
      case 'directory':
        return { path, kind: 'directory', size: 0 };
      case 'symlink':
        return { path, kind: 'symlink', size: 0, linkTarget: link };
      case 'link':
        // A hard link names another member from the archive's root: expressed as a relative link.
        return { path, kind: 'symlink', size: 0, linkTarget: posix.relative(posix.dirname(path), normalizeMemberPath(link, this.path)) };
      default:
        return undefined;
    }
  }

  /** Streams the archive once, telling `visit` of each member; a returned consumer receives its data. */
  private async scan(visit: (member: ArchiveMember) => Consumer | undefined): Promise<void> {
    const extract = tarExtract();
    const feeding = pipeline(createReadStream(this.path), createGunzip(), extract);
    feeding.catch(() => undefined);
    let current: string | undefined;
    try {
      for await (const entry of extract) {
        const member = this.memberOf(entry.header);
        const consume = member === undefined ? undefined : visit(member);
        if (member === undefined || consume === undefined) {
          entry.resume();
          continue;
        }
        current = member.path;
        await consume(entry as AsyncIterable<Buffer>);
        current = undefined;
      }
      await feeding;
    } catch (error) {
      extract.destroy();
      if (error instanceof Error && error.message.startsWith(`${this.path}: `)) throw error;
      const where = current === undefined ? this.path : `${this.path}: member "${current}"`;
      // File-system errors (writing out) carry a system call; the rest come from gunzip or the tar parser.
      const hint = typeof (error as NodeJS.ErrnoException).syscall === 'string' ? '' : " (a truncated download, or not a gzip'd tarball?)";
      throw new Error(`${where}: ${message(error)}${hint}`);
    }
  }
}
