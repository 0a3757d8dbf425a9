import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ByteImageSet } from './byte-image-set.js';
import { writeFileAtomically } from '@kdlab/core';

/** The first 8 bytes of a compact image cache file. */
export const COMPACT_CACHE_MAGIC = 'KDLABIMG';
/** The layout version of compact image cache files; a file of another version is ignored. */
export const COMPACT_CACHE_VERSION = 1;

/**
 * Encodes a {@link ByteImageSet} as a compact cache file: the ASCII magic `KDLABIMG`, then as
 * little-endian uint32 the layout version, the fingerprint's byte length, the example count and the
 * bytes per example, then the UTF-8 fingerprint, the labels (one byte each) and the pixels.
 *
 * @param fingerprint - identifies the data the cache was made from; a reader asks for the same one.
 */
export function encodeCompactCache(set: ByteImageSet, fingerprint: string): Uint8Array {
  const fingerprintBytes = new TextEncoder().encode(fingerprint);
  const headerBytes = 8 + 16;
  const out = new Uint8Array(headerBytes + fingerprintBytes.length + set.count + set.pixels.length);
  out.set(new TextEncoder().encode(COMPACT_CACHE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, COMPACT_CACHE_VERSION, true);
  view.setUint32(12, fingerprintBytes.length, true);
  view.setUint32(16, set.count, true);
  view.setUint32(20, set.exampleBytes, true);
  out.set(fingerprintBytes, headerBytes);
  out.set(set.labels.subarray(0, set.count), headerBytes + fingerprintBytes.length);
  out.set(set.pixels, headerBytes + fingerprintBytes.length + set.count);
  return out;
}

/**
 * Decodes a compact cache file written by {@link encodeCompactCache}. Returns `undefined` (so the
 * caller rebuilds the cache) when the bytes are not such a file, are of another layout version,
 * were made from other data (another fingerprint), or have the wrong length (e.g. truncated).
 */
export function decodeCompactCache(bytes: Uint8Array, fingerprint: string): ByteImageSet | undefined {
  const headerBytes = 8 + 16;
  if (bytes.length < headerBytes) return undefined;
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== COMPACT_CACHE_MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== COMPACT_CACHE_VERSION) return undefined;
  const fingerprintLength = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  const exampleBytes = view.getUint32(20, true);
  const labelsStart = headerBytes + fingerprintLength;
  const pixelsStart = labelsStart + count;
  if (bytes.length !== pixelsStart + count * exampleBytes) return undefined;
  if (new TextDecoder().decode(bytes.subarray(headerBytes, labelsStart)) !== fingerprint) return undefined;
  return { count, exampleBytes, labels: bytes.subarray(labelsStart, pixelsStart), pixels: bytes.subarray(pixelsStart) };
}

/** Reads a compact cache file; `undefined` when it is missing, unreadable or stale (see {@link decodeCompactCache}). */
export async function readCompactCache(file: string, fingerprint: string): Promise<ByteImageSet | undefined> {
  try {
    return decodeCompactCache(await readFile(file), fingerprint);
  } catch {
    return undefined;
  }
}

/**
 * Writes a compact cache file atomically (to a temporary file beside it, then renamed). Returns the error instead of
 * throwing: a cache that cannot be written (read-only home, full disk) must not stop a run.
 */
export async function writeCompactCache(file: string, set: ByteImageSet, fingerprint: string): Promise<Error | undefined> {
  try {
    await writeFileAtomically(dirname(file), file, encodeCompactCache(set, fingerprint));
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
