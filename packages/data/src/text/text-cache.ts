import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from '@kdlab/core';

/**
 * Reads a JSON cache file written by {@link writeJsonCache}; `undefined` when it is missing,
 * unreadable, not JSON, or written for another key (its `key` field differs from `key`).
 */
export async function readJsonCache<T>(file: string, key: string): Promise<T | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { key?: unknown; value?: T };
    return value.key === key ? value.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `{ key, value }` as JSON atomically (a temporary file beside it, then renamed). Returns the
 * error instead of throwing: a cache that cannot be written (read-only home, full disk) must not stop a run.
 */
export async function writeJsonCache(file: string, key: string, value: unknown): Promise<Error | undefined> {
  try {
    await writeFileAtomically(dirname(file), file, JSON.stringify({ key, value }));
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
