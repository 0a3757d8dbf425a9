import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@kdlab/core';
import { configHash } from './config-hash.js';

/** Bumped whenever what the cache stores, or how training works, changes: old entries are then ignored. */
export const MODEL_CACHE_VERSION = 1;

/** What is cached for one trained model. */
export interface CachedModel<Summary> {
  /** The summary of its training (run id, metrics, ...), JSON. */
  summary: Summary;
  /** The values of `model.allVariables()`, in order. */
  weights: Float32Array[];
  /** Named float arrays kept with it (e.g. the teacher's logits on the training set). */
  arrays: Record<string, Float32Array>;
}

interface Manifest<Summary> {
  version: number;
  key: string;
  summary: Summary;
  variables: { shape: number[]; offset: number; size: number }[];
  arrays: Record<string, { offset: number; size: number }>;
}

/** A training that failed, as recorded for processes waiting on its entry (see {@link TrainedModelCache.waitFor}). */
export interface TrainingFailure {
  /** The invocation (one `kdlab run`) in which it failed; waiters of other invocations ignore it. */
  invocation: string;
  /** The error message. */
  message: string;
}

/** How {@link TrainedModelCache.waitFor} waits. */
export interface WaitForEntryOptions {
  /** Only failures recorded by this invocation end the wait. */
  invocation: string;
  /** Ends the wait with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds between looks (default 100). */
  intervalMs?: number;
}

/**
 * A content-addressed cache of trained models on disk (`.kdlab/cache/<kind>/<key>/`): a teacher is
 * trained once per distinct configuration, data split, seed and backend, and reused by every trial
 * that needs it, in this invocation and later ones. The key is a hash of everything the training
 * depends on, so a change to any of it misses the cache. Entries are written to a temporary folder and
 * renamed, so a crash never leaves a half-written entry.
 */
export class TrainedModelCache {
  /** @param root - the cache folder (default `.kdlab/cache` under the working folder). */
  constructor(readonly root: string) {}

  /** The cache key of everything a training depends on. */
  static key(dependsOn: unknown): string {
    return configHash({ version: MODEL_CACHE_VERSION, dependsOn });
  }

  #folder(kind: string, key: string): string {
    return join(this.root, kind, key);
  }

  #failureFile(kind: string, key: string): string {
    return `${this.#folder(kind, key)}.failed.json`;
  }

  /** Records that training the entry failed, so that processes waiting for it stop (see {@link TrainedModelCache.waitFor}). */
  async markFailed(kind: string, key: string, failure: TrainingFailure): Promise<void> {
    const file = this.#failureFile(kind, key);
    const temp = `${file}.tmp-${randomUUID()}`;
    await mkdir(join(this.root, kind), { recursive: true });
    await writeFile(temp, JSON.stringify(failure));
    await rename(temp, file);
  }

  /** Forgets a recorded failure (before the entry is trained again). */
  async clearFailed(kind: string, key: string): Promise<void> {
    await rm(this.#failureFile(kind, key), { force: true });
  }

  /**
   * Waits until the entry exists (another process is training it). Rejects with the recorded message
   * when its training failed in the same invocation, and with the signal's reason when aborted.
   */
  async waitFor(kind: string, key: string, options: WaitForEntryOptions): Promise<void> {
    const manifest = join(this.#folder(kind, key), 'manifest.json');
    for (;;) {
      options.signal?.throwIfAborted();
      if (await access(manifest).then(() => true, () => false)) return;
      const failure = await readFile(this.#failureFile(kind, key), 'utf8').then((text) => JSON.parse(text) as TrainingFailure, () => undefined);
      if (failure?.invocation === options.invocation) throw new Error(`training ${kind}/${key} failed in another worker: ${failure.message}`);
      await sleep(options.intervalMs ?? 100, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
    }
  }

  /** Loads an entry, or `undefined` when there is none (or it is unreadable or from another version). */
  async load<Summary>(kind: string, key: string): Promise<CachedModel<Summary> | undefined> {
    const folder = this.#folder(kind, key);
    let manifest: Manifest<Summary>;
    let bytes: Buffer;
    try {
      manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest<Summary>;
      bytes = await readFile(join(folder, 'data.bin'));
    } catch {
      return undefined;
    }
    if (manifest.version !== MODEL_CACHE_VERSION || manifest.key !== key) return undefined;
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
    const slice = (offset: number, size: number): Float32Array => floats.slice(offset, offset + size);
    const end = Math.max(0, ...manifest.variables.map((v) => v.offset + v.size), ...Object.values(manifest.arrays).map((a) => a.offset + a.size));
    if (end > floats.length) return undefined;
    return {
      summary: manifest.summary,
      weights: manifest.variables.map((v) => slice(v.offset, v.size)),
      arrays: Object.fromEntries(Object.entries(manifest.arrays).map(([name, a]) => [name, slice(a.offset, a.size)])),
    };
  }

  /**
   * Stores a trained model's weights (from `model.allVariables()`), its summary and named arrays; with
   * no model, the summary and arrays only (an entry whose weights are never restored, e.g. a baseline's).
   */
  async save<Summary>(kind: string, key: string, model: Model | undefined, summary: Summary, arrays: Record<string, Float32Array> = {}): Promise<void> {
    const variables = model?.allVariables() ?? [];
    const parts: Float32Array[] = [];
    const manifest: Manifest<Summary> = { version: MODEL_CACHE_VERSION, key, summary, variables: [], arrays: {} };
    let offset = 0;
    for (const variable of variables) {
      const values = Float32Array.from(variable.dataSync() as Float32Array);
      manifest.variables.push({ shape: variable.shape, offset, size: values.length });
      parts.push(values);
      offset += values.length;
    }
    for (const [name, values] of Object.entries(arrays)) {
      manifest.arrays[name] = { offset, size: values.length };
      parts.push(values);
      offset += values.length;
    }
    const data = new Float32Array(offset);
    let at = 0;
    for (const part of parts) {
      data.set(part, at);
      at += part.length;
    }
    const folder = this.#folder(kind, key);
    const temp = `${folder}.tmp-${randomUUID()}`;
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, 'data.bin'), new Uint8Array(data.buffer));
    await writeFile(join(temp, 'manifest.json'), JSON.stringify(manifest));
    await rm(folder, { recursive: true, force: true });
    try {
      await rename(temp, folder);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // Another process stored the same key at the same moment: its entry is as good as ours.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Writes cached weights into a freshly built model of the same architecture; throws naming a mismatched variable. */
export function restoreWeights(model: Model, weights: readonly Float32Array[]): void {
  const variables = model.allVariables();
  if (variables.length !== weights.length) {
    throw new Error(`The cached model has ${weights.length} variables, the rebuilt ${model.kind} has ${variables.length}.`);
  }
  variables.forEach((variable, i) => {
    if (variable.size !== weights[i]!.length) {
      throw new Error(`Cached variable ${i} (${variable.name}) has ${weights[i]!.length} values, the rebuilt one has shape [${variable.shape.join(', ')}].`);
    }
    const value = tf.tensor(weights[i]!, variable.shape, variable.dtype);
    variable.assign(value);
    value.dispose();
  });
}
