import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRAIN_CHECKPOINT_VERSION, type TrainCheckpoint } from '@kdlab/core';

/** A training's checkpoint, with the run it belongs to. */
export interface StoredCheckpoint {
  /** The MLflow run the training logs to: a resumed training continues it. */
  runId: string;
  /** Where the training stands. */
  checkpoint: TrainCheckpoint;
}

const META = 'checkpoint.json';
const ARRAYS = 'arrays.bin';

/** How an array is referred to in `checkpoint.json`: its type, and where its bytes are in `arrays.bin`. */
interface ArrayRef {
  $array: 'float32' | 'int32';
  offset: number;
  length: number;
}

/** A number JSON cannot hold (NaN, ±Infinity), by name. */
interface NumberRef {
  $number: 'NaN' | 'Infinity' | '-Infinity';
}

/**
 * The checkpoints of trainings in progress, one folder per training (`<root>/<kind>/<key>/`): its
 * `checkpoint.json` (the run id, and the checkpoint's numbers and structure) and `arrays.bin` (every
 * array, raw). A new checkpoint is written to a temporary folder and renamed over the old one, so a
 * process killed while writing leaves the previous checkpoint whole. The key says which training it
 * is (everything the training depends on, hashed), so a training started again finds its own.
 */
export class CheckpointStore {
  /** @param root - the folder (default `.kdlab/checkpoints`). */
  constructor(readonly root: string) {}

  #folder(kind: string, key: string): string {
    return join(this.root, kind, key);
  }

  /** Stores the checkpoint of training `kind/key`, replacing the one before. */
  async save(kind: string, key: string, stored: StoredCheckpoint): Promise<void> {
    const folder = this.#folder(kind, key);
    const temp = `${folder}.tmp-${randomUUID()}`;
    await mkdir(temp, { recursive: true });
    // Each array is written as the JSON reaches it and kept by nobody: values read on access
    // (`checkpointValues: 'on-access'`) are then out of the backend one at a time, never all at once.
    const arrays = openSync(join(temp, ARRAYS), 'w');
    let json: string;
    try {
      let offset = 0;
      json = JSON.stringify({ version: TRAIN_CHECKPOINT_VERSION, runId: stored.runId, checkpoint: stored.checkpoint }, (_key, value: unknown) => {
        if (value instanceof Float32Array || value instanceof Int32Array) {
          const ref: ArrayRef = { $array: value instanceof Float32Array ? 'float32' : 'int32', offset, length: value.length };
          writeAllSync(arrays, value);
          offset += value.byteLength;
          return ref;
        }
        if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) } as NumberRef;
        return value;
      });
    } finally {
      closeSync(arrays);
    }
    await writeFile(join(temp, META), json);
    const old = `${folder}.old-${randomUUID()}`;
    try {
      await rename(folder, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(temp, folder);
    await rm(old, { recursive: true, force: true });
  }

  /**
   * The checkpoint of training `kind/key`, or undefined when there is none (or only one of another
   * checkpoint version, or an unreadable one: the training then starts afresh).
   */
  async load(kind: string, key: string): Promise<StoredCheckpoint | undefined> {
    const folder = this.#folder(kind, key);
    // A process killed between the two renames of save() left the previous checkpoint as `.old-*`.
    const candidates = [folder, ...(await this.#leftovers(kind, key, '.old-'))];
    for (const candidate of candidates) {
      let json: string;
      let bytes: Buffer;
      try {
        json = await readFile(join(candidate, META), 'utf8');
        bytes = await readFile(join(candidate, ARRAYS));
      } catch {
        continue;
      }
      const parsed = JSON.parse(json, (_key, value: unknown) => {
        if (isArrayRef(value)) {
          const size = value.$array === 'float32' ? Float32Array.BYTES_PER_ELEMENT : Int32Array.BYTES_PER_ELEMENT;
          const copy = new Uint8Array(bytes.subarray(value.offset, value.offset + value.length * size)).buffer;
          return value.$array === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
        }
        if (isNumberRef(value)) return Number(value.$number);
        return value;
      }) as { version: number; runId: string; checkpoint: TrainCheckpoint };
      if (parsed.version !== TRAIN_CHECKPOINT_VERSION) return undefined;
      return { runId: parsed.runId, checkpoint: parsed.checkpoint };
    }
    return undefined;
  }

  /** Removes the checkpoint of training `kind/key` (its training finished), and any leftover of it. */
  async remove(kind: string, key: string): Promise<void> {
    const leftovers = [...(await this.#leftovers(kind, key, '.old-')), ...(await this.#leftovers(kind, key, '.tmp-'))];
    await Promise.all([this.#folder(kind, key), ...leftovers].map((path) => rm(path, { recursive: true, force: true })));
  }

  async #leftovers(kind: string, key: string, marker: string): Promise<string[]> {
    try {
      return (await readdir(join(this.root, kind))).filter((name) => name.startsWith(`${key}${marker}`)).map((name) => join(this.root, kind, name));
    } catch {
      return [];
    }
  }
}

/** Writes an array's bytes at the file's current position, from its own memory. */
function writeAllSync(fd: number, array: Float32Array | Int32Array): void {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

function isArrayRef(value: unknown): value is ArrayRef {
  return typeof value === 'object' && value !== null && '$array' in value && 'offset' in value && 'length' in value;
}

function isNumberRef(value: unknown): value is NumberRef {
  return typeof value === 'object' && value !== null && '$number' in value && Object.keys(value).length === 1;
}
