import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { CacheEntryFiles, Model, ModelCacheRemote } from '@kdlab/core';
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
  /** Milliseconds between looks at the local folder (default 100). */
  intervalMs?: number;
  /** Shortest time between two looks at the remote tier, in ms (default the cache's `remoteIntervalMs`). */
  remoteIntervalMs?: number;
}

/** How a {@link TrainedModelCache} shares entries beyond its folder, and where it reports problems. */
export interface TrainedModelCacheOptions {
  /**
   * A remote tier shared with other machines (e.g. `@kdlab/tracking`'s MLflow run artifacts): a local
   * miss is looked up there, and every entry saved with a summary carrying a string `runId` is
   * published there. The local folder stays in front: a fetched entry is stored in it.
   */
  remote?: ModelCacheRemote;
  /**
   * Receives what goes wrong with the remote tier (unreachable, a corrupt entry, a failed publish),
   * none of which stops a run. Default: a line on standard error.
   */
  onWarning?: (message: string) => void;
  /** Shortest time between two looks at the remote while {@link TrainedModelCache.waitFor} waits, in ms. Default 2000. */
  remoteIntervalMs?: number;
}

/** Default shortest time between two looks at the remote tier while waiting for an entry. */
export const DEFAULT_REMOTE_INTERVAL_MS = 2000;

/**
 * A content-addressed cache of trained models on disk (`.kdlab/cache/<kind>/<key>/`): a teacher is
 * trained once per distinct configuration, data split, seed and backend, and reused by every trial
 * that needs it, in this invocation and later ones. The key is a hash of everything the training
 * depends on, so a change to any of it misses the cache. Entries are written to a temporary folder and
 * renamed, so a crash never leaves a half-written entry.
 *
 * With a remote tier ({@link TrainedModelCacheOptions.remote}), machines that share no disk share
 * entries too: a local miss is fetched from the remote (and kept locally), a saved entry is published
 * to it. The remote never fails a run: when it cannot be reached, a warning is given and the lookup is
 * a miss; an entry it holds that does not validate is ignored.
 */
export class TrainedModelCache {
  /** The remote tier, when there is one. */
  readonly remote: ModelCacheRemote | undefined;
  readonly #warn: (message: string) => void;
  readonly #remoteIntervalMs: number;
  /** Set while the remote fails to answer: further failures are not reported again until it answers. */
  #remoteDown = false;

  /**
   * @param root - the cache folder (default `.kdlab/cache` under the working folder).
   * @param options - a remote tier shared with other machines, and where warnings go.
   */
  constructor(
    readonly root: string,
    options: TrainedModelCacheOptions = {},
  ) {
    this.remote = options.remote;
    this.#warn = options.onWarning ?? ((message) => process.stderr.write(`kdlab cache: ${message}\n`));
    this.#remoteIntervalMs = options.remoteIntervalMs ?? DEFAULT_REMOTE_INTERVAL_MS;
  }

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
   * when its training failed in the same invocation, and with the signal's reason when aborted. With a
   * remote tier, the remote is looked at too (at most every `remoteIntervalMs`), so an entry another
   * machine stored ends the wait (it is then in the local folder).
   */
  async waitFor(kind: string, key: string, options: WaitForEntryOptions): Promise<void> {
    const manifest = join(this.#folder(kind, key), 'manifest.json');
    const remoteEvery = options.remoteIntervalMs ?? this.#remoteIntervalMs;
    let lastRemoteLook = Number.NEGATIVE_INFINITY;
    for (;;) {
      options.signal?.throwIfAborted();
      if (await access(manifest).then(() => true, () => false)) return;
      const failure = await readFile(this.#failureFile(kind, key), 'utf8').then((text) => JSON.parse(text) as TrainingFailure, () => undefined);
      if (failure?.invocation === options.invocation) throw new Error(`training ${kind}/${key} failed in another worker: ${failure.message}`);
      if (this.remote && Date.now() - lastRemoteLook >= remoteEvery) {
        lastRemoteLook = Date.now();
        if (await this.#fetchRemote(kind, key)) return;
      }
      await sleep(options.intervalMs ?? 100, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
    }
  }

  /**
   * Loads an entry, or `undefined` when there is none (or it is unreadable or from another version).
   * On a local miss, the remote tier (when there is one) is asked; an entry found there is checked,
   * stored in the local folder and loaded from it.
   */
  async load<Summary>(kind: string, key: string): Promise<CachedModel<Summary> | undefined> {
    const local = await this.#loadLocal<Summary>(kind, key);
    if (local !== undefined || !this.remote) return local;
    return (await this.#fetchRemote(kind, key)) ? this.#loadLocal<Summary>(kind, key) : undefined;
  }

  async #loadLocal<Summary>(kind: string, key: string): Promise<CachedModel<Summary> | undefined> {
    const folder = this.#folder(kind, key);
    let text: string;
    let bytes: Buffer;
    try {
      text = await readFile(join(folder, 'manifest.json'), 'utf8');
      bytes = await readFile(join(folder, 'data.bin'));
    } catch {
      return undefined;
    }
    const manifest = checkedManifest<Summary>(text, key, bytes.byteLength);
    if (typeof manifest === 'string') return undefined;
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    const floats = new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
    const slice = (offset: number, size: number): Float32Array => floats.slice(offset, offset + size);
    return {
      summary: manifest.summary,
      weights: manifest.variables.map((v) => slice(v.offset, v.size)),
      arrays: Object.fromEntries(Object.entries(manifest.arrays).map(([name, a]) => [name, slice(a.offset, a.size)])),
    };
  }

  /**
   * Looks the entry up on the remote tier and, when found and valid, stores it in the local folder.
   * True when it is there now; a failure to reach the remote, a corrupt entry or a failed write is a
   * warning and false.
   */
  async #fetchRemote(kind: string, key: string): Promise<boolean> {
    const remote = this.remote;
    if (!remote) return false;
    let files: CacheEntryFiles | undefined;
    try {
      files = await remote.fetch(kind, key);
      this.#remoteDown = false;
    } catch (error) {
      if (!this.#remoteDown) {
        this.#warn(`cannot look up ${kind}/${key} on ${remote.description} (${describeError(error)}): treated as a miss; further failures are not reported until it answers again.`);
      }
      this.#remoteDown = true;
      return false;
    }
    if (files === undefined) return false;
    const manifest = checkedManifest(new TextDecoder().decode(files.manifest), key, files.data.byteLength);
    if (typeof manifest === 'string') {
      this.#warn(`ignoring the entry ${kind}/${key} of ${remote.description}: ${manifest}.`);
      return false;
    }
    try {
      await this.#writeEntry(kind, key, files);
    } catch (error) {
      this.#warn(`cannot store the entry ${kind}/${key} fetched from ${remote.description} in ${this.root}: ${describeError(error)}.`);
      return false;
    }
    return true;
  }

  /** Writes an entry's files to a temporary folder and renames it into place (replacing an old entry). */
  async #writeEntry(kind: string, key: string, files: CacheEntryFiles): Promise<void> {
    const folder = this.#folder(kind, key);
    const temp = `${folder}.tmp-${randomUUID()}`;
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, 'data.bin'), files.data);
    await writeFile(join(temp, 'manifest.json'), files.manifest);
    await rm(folder, { recursive: true, force: true });
    try {
      await rename(temp, folder);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // Another process stored the same key at the same moment: its entry is as good as ours.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  /**
   * Stores a trained model's weights (from `model.allVariables()`), its summary and named arrays; with
   * no model, the summary and arrays only (an entry whose weights are never restored, e.g. a baseline's).
   * With a remote tier and a summary whose `runId` is a string, the entry is then published under that
   * run; a failure to publish is a warning (the run is logged already; other machines train it again).
   */
  async save<Summary>(kind: string, key: string, model: Model | undefined, summary: Summary, arrays: Record<string, Float32Array> = {}): Promise<void> {
    const variables = model?.allVariables() ?? [];
    const parts: Float32Array[] = [];
    const manifest: Manifest<Summary> = { version: MODEL_CACHE_VERSION, key, summary, variables: [], arrays: {} };
    let offset = 0;
    for (const variable of variables) {
      // Read out of the backend, copied into `data` below (no copy in between).
      const values = variable.dataSync() as Float32Array;
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
    const files: CacheEntryFiles = { manifest: new TextEncoder().encode(JSON.stringify(manifest)), data: new Uint8Array(data.buffer) };
    await this.#writeEntry(kind, key, files);
    const runId = typeof summary === 'object' && summary !== null ? (summary as { runId?: unknown }).runId : undefined;
    if (this.remote && typeof runId === 'string') {
      try {
        await this.remote.publish(kind, key, runId, files);
      } catch (error) {
        this.#warn(`cannot publish ${kind}/${key} (run ${runId}) to ${this.remote.description} (${describeError(error)}): other machines will not find it there.`);
      }
    }
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * An entry's manifest when it belongs to this cache version and key and every part it names lies
 * within `data.bin` (of `dataBytes` bytes); otherwise why not.
 */
function checkedManifest<Summary>(text: string, key: string, dataBytes: number): Manifest<Summary> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'its manifest is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'its manifest is not an object';
  const manifest = parsed as Partial<Manifest<Summary>>;
  if (manifest.version !== MODEL_CACHE_VERSION) return `it is of cache version ${String(manifest.version)}, not ${MODEL_CACHE_VERSION}`;
  if (manifest.key !== key) return `its manifest names the key ${String(manifest.key)}`;
  const { variables, arrays } = manifest;
  if (!Array.isArray(variables) || typeof arrays !== 'object' || arrays === null || Array.isArray(arrays)) return 'its manifest lists no variables or arrays';
  const floats = Math.floor(dataBytes / 4);
  let end = 0;
  for (const variable of variables as unknown[]) {
    const v = variable as Partial<Manifest<Summary>['variables'][number]> | null;
    if (!v || !isCount(v.offset) || !isCount(v.size) || !Array.isArray(v.shape) || !v.shape.every(isCount) || v.shape.reduce((a, b) => a * b, 1) !== v.size) {
      return 'its manifest describes a variable wrongly';
    }
    end = Math.max(end, v.offset + v.size);
  }
  for (const array of Object.values(arrays as Record<string, unknown>)) {
    const a = array as Partial<Manifest<Summary>['arrays'][string]> | null;
    if (!a || !isCount(a.offset) || !isCount(a.size)) return 'its manifest describes an array wrongly';
    end = Math.max(end, a.offset + a.size);
  }
  if (end > floats) return `its data holds ${floats} values, its manifest names ${end}`;
  return manifest as Manifest<Summary>;
}

/** One line describing an error for a warning. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
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
