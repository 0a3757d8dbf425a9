import type { CallDraft, CreatedRecord } from '../journal/journal-records.js';
import type { MetricPoint, RunHandle, RunStatus } from '@kdlab/core';
import { checkedArtifactPath, checkedMetrics, checkedParams, checkedTags, type FittedValues } from './checked-calls.js';

/** The statuses a run may end with. */
const FINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/** Where a {@link RemoteRunHandle} puts its calls: the tracker's journal and send queue. */
export interface RemoteRunRecorder {
  /** Journals a call and queues it for the server. */
  record(draft: CallDraft): void;
  /** Journals an artifact call (large contents beside the journal) and queues it. */
  recordArtifact(run: string, path: string, contents: string | Uint8Array): void;
  /** The server's ids of a run, once the server has created it. */
  serverIds(localRunId: string): CreatedRecord | undefined;
}

/**
 * A run tracked on an MLflow server. Every call is checked as the local store checks it (so a bad
 * key or a changed param fails at once, naming it), journaled, and queued for the background
 * sender: it returns without waiting for the server.
 */
export class RemoteRunHandle implements RunHandle {
  /** The id this run has in the journal, made up before the server knew the run. */
  readonly localRunId: string;
  readonly #recorder: RemoteRunRecorder;
  readonly #loggedParams = new Map<string, string>();
  readonly #validMetricKeys = new Set<string>();
  #ended = false;

  /**
   * @param localRunId - The run's local id (32 hex characters).
   * @param recorder - The tracker's journal and queue.
   * @param loggedParams - The params the run already has (a resumed run's, as the server lists them), so
   *   that a change to one fails at once, as for a param this handle logged.
   */
  constructor(localRunId: string, recorder: RemoteRunRecorder, loggedParams: Readonly<Record<string, string>> = {}) {
    this.localRunId = localRunId;
    this.#recorder = recorder;
    for (const [key, value] of Object.entries(loggedParams)) this.#loggedParams.set(key, value);
  }

  /** The server's run id once the server has created the run; until then its local id. */
  get runId(): string {
    return this.serverRunId ?? this.localRunId;
  }

  /** The server's run id, or `undefined` while the server has not created the run yet. */
  get serverRunId(): string | undefined {
    return this.#recorder.serverIds(this.localRunId)?.serverRunId;
  }

  /** The server's experiment id; empty while the server has not created the run yet. */
  get experimentId(): string {
    return this.#recorder.serverIds(this.localRunId)?.experimentId ?? '';
  }

  /**
   * Logs params (values stringified; over 6000 characters shortened with a note, the full text
   * going to an artifact). A param cannot change: a different value for a key this run already
   * logged is an error naming it, and then none of the call's params is logged.
   *
   * @param params - Keys and values.
   */
  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    this.#assertOpen('log params');
    const fitted = checkedParams(this.#label(), params, this.#loggedParams);
    this.#recordFitted(fitted, (values) => ({ t: 'params', run: this.localRunId, params: values }));
  }

  /**
   * Logs metric values; the timestamp defaults to the time of the call and stays fixed, so a
   * re-send after a failure is de-duplicated by the server.
   *
   * @param points - The values.
   */
  async logMetrics(points: MetricPoint[]): Promise<void> {
    this.#assertOpen('log metrics');
    const metrics = checkedMetrics(this.#label(), points, Date.now(), this.#validMetricKeys);
    if (metrics.length > 0) this.#recorder.record({ t: 'metrics', run: this.localRunId, metrics });
  }

  /**
   * Sets tags (over 5000 characters shortened with a note, the full text going to an artifact).
   *
   * @param tags - Keys and values.
   */
  async setTags(tags: Record<string, string>): Promise<void> {
    this.#assertOpen('set tags');
    const fitted = checkedTags(this.#label(), tags);
    this.#recordFitted(fitted, (values) => ({ t: 'tags', run: this.localRunId, tags: values }));
  }

  /**
   * Stores a file under the run's artifacts.
   *
   * @param relativePath - A `/`-separated path that must stay inside the run.
   * @param contents - Text (sent as UTF-8) or bytes.
   */
  async logArtifact(relativePath: string, contents: string | Uint8Array): Promise<void> {
    this.#assertOpen('log artifact');
    const path = checkedArtifactPath(relativePath);
    this.#recorder.recordArtifact(this.localRunId, path, contents);
  }

  /**
   * Ends the run with its final status and the current time. A second call does nothing.
   *
   * @param status - `FINISHED`, `FAILED` or `KILLED`.
   */
  async end(status: RunStatus): Promise<void> {
    if (!FINAL_STATUSES.includes(status)) {
      throw new Error(`Run ${this.runId}: cannot end with status '${String(status)}'; expected ${FINAL_STATUSES.join(', ')}.`);
    }
    if (this.#ended) return;
    this.#ended = true;
    this.#recorder.record({ t: 'end', run: this.localRunId, status, endTime: Date.now(), by: 'owner' });
  }

  /**
   * Hands the run over to another process (see `RunHandle.handOver` in `@kdlab/core`): journals the
   * hand-over (nothing is sent; the run stays RUNNING on the server) and refuses further calls.
   *
   * @returns the server's run id.
   * @throws Error when the run has ended, or the server has not created it yet (it was unavailable):
   *   another process could not find it.
   */
  async handOver(): Promise<string> {
    this.#assertOpen('hand over');
    const serverRunId = this.serverRunId;
    if (serverRunId === undefined) throw new Error(`Run ${this.localRunId} cannot be handed over: the MLflow server has not created it yet (is it unavailable?).`);
    this.#ended = true;
    this.#recorder.record({ t: 'handover', run: this.localRunId });
    return serverRunId;
  }

  #recordFitted(fitted: FittedValues, draftOf: (values: Record<string, string>) => CallDraft): void {
    for (const full of fitted.fullValues) this.#recorder.recordArtifact(this.localRunId, full.path, full.text);
    if (Object.keys(fitted.values).length > 0) this.#recorder.record(draftOf(fitted.values));
  }

  #assertOpen(what: string): void {
    if (this.#ended) throw new Error(`Run ${this.runId} has ended: cannot ${what}.`);
  }

  #label(): string {
    return `run ${this.runId}`;
  }
}
