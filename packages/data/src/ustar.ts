import { DataFileError } from './data-file-error.js';

/** One member of a tar archive. */
export interface TarEntry {
  /** The member's path inside the archive (long names from pax `path` or GNU `L` records applied). */
  readonly name: string;
  /** `file` for regular files, `directory`, or `other` (links, devices, FIFOs). */
  readonly type: 'file' | 'directory' | 'other';
  /** The member's bytes (a view into the archive, no copy; empty unless a regular file). */
  readonly data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function number(file: string, block: Uint8Array, start: number, length: number, what: string): number {
  const first = block[start] as number;
  if (first & 0x80) {
    // GNU base-256: big-endian two's complement in the remaining bits; sizes are never negative.
    let value = first & 0x3f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[start + i] as number);
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new DataFileError(file, `tar header field ${what} is "${digits}", not an octal number`);
  return parseInt(digits, 8);
}

function checksumMatches(file: string, block: Uint8Array): boolean {
  const stored = number(file, block, 148, 8, 'chksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function paxRecords(file: string, data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? Number.NaN : Number(decoder.decode(data.subarray(offset, space)));
    if (!Number.isSafeInteger(length) || length <= 0 || offset + length > data.length) {
      throw new DataFileError(file, `malformed pax extended header record at byte ${offset} of its data`);
    }
    const record = decoder.decode(data.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

function isZeroBlock(block: Uint8Array): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/**
 * Reads the members of an uncompressed tar archive: POSIX ustar (name + prefix), pax extended
 * headers (`path` and `size` of the next member; global headers are skipped) and GNU long names
 * (`L` records; `K` long link names are skipped). Every header's checksum is verified. A bad checksum, a bad number field or a
 * member or header running past the end of the archive is a {@link DataFileError} naming `file`.
 *
 * @param file - the archive's path, for error messages.
 * @param bytes - the archive (already gunzipped).
 */
export function readTar(file: string, bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pending: { name?: string; size?: number } = {};
  for (;;) {
    if (offset >= bytes.length) break;
    if (offset + BLOCK > bytes.length) {
      throw new DataFileError(file, `is truncated: ${bytes.length - offset} bytes at byte ${offset} are less than a 512-byte tar header`);
    }
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) break;
    if (!checksumMatches(file, header)) throw new DataFileError(file, `tar header at byte ${offset} has a wrong checksum`);
    const type = String.fromCharCode(header[156] as number);
    const size = pending.size ?? number(file, header, 124, 12, 'size');
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new DataFileError(file, `is truncated: tar member at byte ${offset} needs ${size} bytes, ${bytes.length - dataStart} remain`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      const records = paxRecords(file, data);
      const path = records.get('path');
      const paxSize = records.get('size');
      pending = { ...(path === undefined ? {} : { name: path }), ...(paxSize === undefined ? {} : { size: Number(paxSize) }) };
      continue;
    }
    if (type === 'L') {
      pending = { ...pending, name: text(data, 0, data.length) };
      continue;
    }
    if (type === 'g' || type === 'K') continue;
    const isUstar = text(header, 257, 6) === 'ustar' && text(header, 263, 2) === '00';
    const prefix = isUstar ? text(header, 345, 155) : '';
    const name = pending.name ?? (prefix === '' ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`);
    const kind = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other';
    entries.push({ name, type: kind, data: kind === 'file' ? data : data.subarray(0, 0) });
    pending = {};
  }
  return entries;
}

/** The canonical form of a member path: no leading `./`, no trailing `/`. */
export function normaliseTarPath(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}
