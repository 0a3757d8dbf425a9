import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricPoint, RunHandle, RunStatus } from '@kdlab/core';
import { resolveArtifactPath } from './artifact-path.js';
import { explainPathConflict, writeFileAtomically } from '@kdlab/core';
import { assertValidEntityKey } from './entity-key.js';
import { fileExists } from './experiment-folder.js';
import { fitValueToLimit, MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH } from './long-values.js';
import { emitMetaYaml } from './meta-yaml.js';
import { formatMetricLine, type MlrunsMetricPoint } from './metric-line.js';
import { runMetaEntries, type MlrunsRunInfo } from './run-meta.js';
import { SerialQueue } from './serial-queue.js';
import { keyFile, MLRUNS } from './store-layout.js';

/** The tag that holds a run's display name; setting it also renames the run in `meta.yaml`. */
export const RUN_NAME_TAG = 'mlflow.runName';

/** The statuses a run may end with. */
const FINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/** Where a run lives on disk. */
export interface MlrunsRunLocation {
  /** Absolute path of the store (temporary files go there). */
  root: string;
  /** Absolute path of the run's folder. */
  folder: string;
  /** Absolute path of the run's artifacts folder, or `undefined` when its `artifact_uri` is not a local file. */
  artifactsFolder: string | undefined;
}

/**
 * A run in a local `./mlruns` store. Every write is queued, so writes to one run never
 * interleave, and each file is written completely or not at all.
 */
export class MlrunsRunHandle implements RunHandle {
  /** The run's id (32 hex characters). */
  readonly runId: string;
  /** The experiment's id. */
  readonly experimentId: string;
  private readonly queue = new SerialQueue();
  private readonly knownMetricFiles = new Set<string>();
  private info: MlrunsRunInfo;
  private ended = false;

  /**
   * Wraps a run whose folder and `meta.yaml` already exist (see `MlrunsTracker.startRun`).
   *
   * @param location - Where the run lives.
   * @param info - Its metadata as written.
   * @param onEnded - Called once its final status is written (to delete its liveness record).
   */
  constructor(
    private readonly location: MlrunsRunLocation,
    info: MlrunsRunInfo,
    private readonly onEnded: () => Promise<void> = async () => undefined,
  ) {
    this.info = { ...info };
    this.runId = info.runId;
    this.experimentId = info.experimentId;
  }

  /** The run's metadata as last written. */
  get runInfo(): Readonly<MlrunsRunInfo> {
    return this.info;
  }

  /**
   * Completes a new run's files: its initial tags, then its `meta.yaml`, so that the run appears
   * to readers with its tags already in place. Called once, by the tracker that created the run folder.
   *
   * @param tags - The run's initial tags, `mlflow.runName` included.
   */
  async initialize(tags: Record<string, string>): Promise<void> {
    await this.setTags(tags);
    await this.queue.run(() => this.writeMeta(true));
  }

  /** Settles when every write queued so far has settled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Logs params. A param cannot change once logged: the same value again is accepted, a different
   * one is an error naming the key and both values, and then none of the call's params is
   * written. Values over 6000 characters are shortened with a note, the full text going to an artifact.
   *
   * @param params - Keys and values; numbers and booleans are stored as `String(value)`.
   */
  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const entries = Object.entries(params).map(([key, value]) => {
      assertValidEntityKey('param', key);
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new Error(`Param '${key}' of run ${this.runId}: value must be a string, number or boolean, got ${typeof value}.`);
      }
      return [key, fitValueToLimit('params', key, String(value), MAX_PARAM_VALUE_LENGTH), String(value)] as const;
    });
    return this.write('log params', async () => {
      const paramsFolder = join(this.location.folder, MLRUNS.paramsFolder);
      const toWrite: (typeof entries)[number][] = [];
      for (const entry of entries) {
        const [key, fitted] = entry;
        const previous = await readIfExists(keyFile(paramsFolder, key));
        if (previous === fitted.stored) continue;
        if (previous !== undefined) {
          throw new Error(
            `Param '${key}' of run ${this.runId} was already logged with value '${shorten(previous)}'; ` +
              `it cannot change to '${shorten(fitted.stored)}' (MLflow params are immutable).`,
          );
        }
        toWrite.push(entry);
      }
      for (const [key, fitted, fullValue] of toWrite) {
        if (fitted.fullValueArtifact !== undefined) await this.writeArtifact(fitted.fullValueArtifact, fullValue);
        await writeFileAtomically(this.location.root, keyFile(paramsFolder, key), fitted.stored);
      }
    });
  }

  /**
   * Appends metric values; each key's file is created completely on its first value, and later
   * values are appended as whole lines in one write.
   *
   * @param points - The values; the timestamp defaults to now.
   */
  async logMetrics(points: MetricPoint[]): Promise<void> {
    const now = Date.now();
    const linesByKey = new Map<string, string>();
    for (const point of points) {
      const stored = this.checkedPoint(point, now);
      linesByKey.set(point.key, (linesByKey.get(point.key) ?? '') + formatMetricLine(stored));
    }
    return this.write('log metrics', async () => {
      const metricsFolder = join(this.location.folder, MLRUNS.metricsFolder);
      for (const [key, lines] of linesByKey) {
        const file = keyFile(metricsFolder, key);
        if (this.knownMetricFiles.has(file) || (await fileExists(file))) {
          await appendFile(file, lines).catch((error: unknown) => {
            throw explainPathConflict(error, file);
          });
        } else {
          await writeFileAtomically(this.location.root, file, lines);
        }
        this.knownMetricFiles.add(file);
      }
    });
  }

  /**
   * Sets tags (a tag may change). Setting `mlflow.runName` also renames the run in `meta.yaml`, as
   * MLflow does. Values over 5000 characters are shortened with a note, the full text going to an artifact.
   *
   * @param tags - Keys and values.
   */
  async setTags(tags: Record<string, string>): Promise<void> {
    const entries = Object.entries(tags).map(([key, value]) => {
      assertValidEntityKey('tag', key);
      if (typeof value !== 'string') throw new Error(`Tag '${key}' of run ${this.runId}: value must be a string, got ${typeof value}.`);
      return [key, fitValueToLimit('tags', key, value, MAX_TAG_VALUE_LENGTH), value] as const;
    });
    return this.write('set tags', async () => {
      for (const [key, fitted, fullValue] of entries) {
        if (fitted.fullValueArtifact !== undefined) await this.writeArtifact(fitted.fullValueArtifact, fullValue);
        await writeFileAtomically(this.location.root, keyFile(join(this.location.folder, MLRUNS.tagsFolder), key), fitted.stored);
        if (key === RUN_NAME_TAG && fitted.stored !== this.info.runName) {
          this.info = { ...this.info, runName: fitted.stored };
          await this.writeMeta();
        }
      }
    });
  }

  /**
   * Stores a file under the run's artifacts folder (folders are created).
   *
   * @param relativePath - A `/`-separated path that must stay inside the run.
   * @param contents - Text (written as UTF-8) or bytes.
   */
  async logArtifact(relativePath: string, contents: string | Uint8Array): Promise<void> {
    this.artifactFile(relativePath);
    return this.write('log artifact', () => this.writeArtifact(relativePath, contents));
  }

  /**
   * Ends the run: writes its final status and end time to `meta.yaml`. A second call does nothing.
   *
   * @param status - `FINISHED`, `FAILED` or `KILLED`.
   */
  async end(status: RunStatus): Promise<void> {
    if (!FINAL_STATUSES.includes(status)) {
      throw new Error(`Run ${this.runId}: cannot end with status '${String(status)}'; expected ${FINAL_STATUSES.join(', ')}.`);
    }
    if (this.ended) return this.queue.idle();
    this.ended = true;
    const endTime = Date.now();
    return this.queue.run(async () => {
      this.info = { ...this.info, status, endTime };
      await this.writeMeta();
      await this.onEnded();
    });
  }

  /**
   * Hands the run over to another process (see `RunHandle.handOver` in `@kdlab/core`): once the
   * queued writes are done, its liveness record is deleted, so that no liveness check ends it KILLED
   * when this process exits (a RUNNING run without a record belongs to whoever resumes it), and this
   * handle refuses further calls.
   *
   * @returns the run's id.
   */
  async handOver(): Promise<string> {
    if (this.ended) throw new Error(`Run ${this.runId} has ended: cannot hand it over.`);
    this.ended = true;
    await this.queue.run(() => this.onEnded());
    return this.runId;
  }

  /** Queues a write, refusing it once the run has ended. */
  private write(what: string, task: () => Promise<void>): Promise<void> {
    if (this.ended) throw new Error(`Run ${this.runId} has ended: cannot ${what}.`);
    return this.queue.run(task);
  }

  private checkedPoint(point: MetricPoint, now: number): MlrunsMetricPoint {
    assertValidEntityKey('metric', point.key);
    const where = `Metric '${point.key}' of run ${this.runId}`;
    if (typeof point.value !== 'number') throw new Error(`${where}: value must be a number, got ${typeof point.value}.`);
    if (!Number.isSafeInteger(point.step)) throw new Error(`${where}: step must be an integer, got ${point.step}.`);
    const timestamp = point.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new Error(`${where}: timestamp must be a non-negative integer (ms), got ${timestamp}.`);
    }
    return { timestamp, value: point.value, step: point.step };
  }

  private artifactFile(relativePath: string): string {
    if (this.location.artifactsFolder === undefined) {
      throw new Error(`Run ${this.runId}: its artifact URI '${this.info.artifactUri}' is not a local folder, so this tracker cannot store '${relativePath}'.`);
    }
    return resolveArtifactPath(this.location.artifactsFolder, relativePath);
  }

  private async writeArtifact(relativePath: string, contents: string | Uint8Array): Promise<void> {
    const file = this.artifactFile(relativePath);
    await writeFileAtomically(this.location.root, file, contents);
  }

  private writeMeta(atCreation = false): Promise<void> {
    const file = join(this.location.folder, MLRUNS.metaFile);
    return writeFileAtomically(this.location.root, file, emitMetaYaml(runMetaEntries(this.info, atCreation), file));
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw explainPathConflict(error, file);
  }
}

function shorten(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}...` : value;
}
