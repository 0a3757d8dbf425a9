import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataFileError } from './data-file-error.js';

const gunzipAsync = promisify(gunzip);

/** Whether the bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses `bytes` when they are gzip (recognised by the gzip magic number, whatever the file
 * is called) and returns them unchanged otherwise. A damaged or truncated gzip stream is a
 * {@link DataFileError} naming `file`.
 */
export async function gunzipIfCompressed(file: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(await gunzipAsync(bytes));
  } catch (error) {
    throw new DataFileError(file, `is not a valid gzip stream (${(error as Error).message})`);
  }
}

/**
 * Reads a data file, decompressing it when it is gzip. A missing or unreadable file is a
 * {@link DataFileError} naming it.
 */
export async function readDataFile(file: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as Error).message})`);
  }
  return gunzipIfCompressed(file, raw);
}
