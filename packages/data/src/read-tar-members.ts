import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { DataFileError } from './data-file-error.js';
import { isGzip } from './read-data-file.js';

/** A member's path as the archive names it, without a leading `./` (tar writes both forms). */
export function normaliseTarPath(name: string): string {
  return name.replace(/^(\.\/)+/, '');
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Reads the regular-file members of a tar archive whose paths are in `wanted` (after
 * {@link normaliseTarPath}), in one streaming pass: gunzipped on the way when the file starts with the
 * gzip magic number, every other member skipped without being kept. ustar, pax and GNU archives
 * (long names, base-256 sizes) are read by tar-stream, which checks each header's checksum.
 *
 * @param file - the archive (`.tar` or `.tar.gz`, recognised by content).
 * @param wanted - the member paths to keep.
 * @returns the kept members by path; a wanted path the archive lacks is simply absent.
 * @throws {@link DataFileError} naming `file` when it cannot be read, is not gzip or tar, or ends early.
 */
export async function readTarMembers(file: string, wanted: ReadonlySet<string>): Promise<Map<string, Uint8Array>> {
  const members = new Map<string, Uint8Array>();
  const archive = extract();
  archive.on('entry', (header, stream, next) => {
    const path = normaliseTarPath(header.name);
    const keep = header.type === 'file' && wanted.has(path);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      if (keep) chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      if (keep) members.set(path, new Uint8Array(Buffer.concat(chunks)));
      next();
    });
    stream.resume();
  });
  try {
    const gzip = await startsWithGzipMagic(file);
    const source: Readable = createReadStream(file);
    await (gzip ? pipeline(source, createGunzip(), archive) : pipeline(source, archive));
  } catch (error) {
    throw new DataFileError(file, `cannot be read as a tar archive (${(error as Error).message})`);
  }
  return members;
}
