import { longParamArtifactPath } from '../batch/long-param.js';
import { withoutStoredNaNMetrics, type HistoryReader } from '../batch/nan-duplicate-recovery.js';
import type { LongParam, PreparedLogBatch } from '../batch/prepare-log-batch.js';
import { splitLogBatch } from '../batch/split-log-batch.js';
import type { LogBatchChunk, WireMetric } from '../batch/wire-entities.js';
import { BadRequestError } from '../errors/api-errors.js';
import type { RequestExecutor } from '../transport/request-executor.js';
import type { ArtifactsApi } from './artifacts-api.js';
import { definedFields, ignoreBody, postJson } from './api-calls.js';

/** True when a chunk carries nothing. */
export function isEmptyChunk(chunk: LogBatchChunk): boolean {
  return chunk.metrics.length === 0 && chunk.params.length === 0 && chunk.tags.length === 0;
}

function logBatchBody(runId: string, chunk: LogBatchChunk): Record<string, unknown> {
  return definedFields({
    run_id: runId,
    metrics: chunk.metrics.length > 0 ? chunk.metrics : undefined,
    params: chunk.params.length > 0 ? chunk.params : undefined,
    tags: chunk.tags.length > 0 ? chunk.tags : undefined,
  });
}

/** What the sender needs from the rest of the client. */
export interface RunLogSenderDependencies {
  /** Sends calls with retries. */
  readonly executor: RequestExecutor;
  /** Stores long param values. */
  readonly artifacts: ArtifactsApi;
  /** Reads a metric's stored history (to recognise NaN values already stored). */
  readonly readHistory: (runId: string) => HistoryReader;
  /** The run's artifact root URI. */
  readonly artifactRootOf: (runId: string) => Promise<string>;
}

/**
 * Sends checked log calls: long param values to artifacts first, then the batch split to MLflow's limits, each part
 * retried safely (a re-sent NaN metric the server already holds is dropped instead of failing the call).
 */
export class RunLogSender {
  readonly #dependencies: RunLogSenderDependencies;

  /** @param dependencies - executor, artifacts and lookups */
  constructor(dependencies: RunLogSenderDependencies) {
    this.#dependencies = dependencies;
  }

  /** Logs a prepared batch: long params, then every chunk in order. */
  async sendBatch(runId: string, prepared: PreparedLogBatch): Promise<void> {
    if (isEmptyChunk(prepared)) return;
    await this.storeLongParams(runId, prepared.longParams);
    for (const chunk of splitLogBatch(prepared)) await this.#sendChunk(runId, chunk);
  }

  /** Logs one metric with `runs/log-metric`; a NaN value the server already holds counts as logged. */
  async sendMetric(runId: string, metric: WireMetric): Promise<void> {
    const { executor, readHistory } = this.#dependencies;
    try {
      await executor.execute(postJson('runs/log-metric', { run_id: runId, ...metric }, ignoreBody, { idempotent: true }));
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      const rest = await withoutStoredNaNMetrics({ metrics: [metric], params: [], tags: [] }, readHistory(runId));
      if (rest === undefined) throw error;
    }
  }

  /** Uploads the full value of each long param to `mlflow-long-params/<key>.txt` under the run's artifacts. */
  async storeLongParams(runId: string, longParams: readonly LongParam[]): Promise<void> {
    if (longParams.length === 0) return;
    const root = await this.#dependencies.artifactRootOf(runId);
    for (const { key, fullValue } of longParams) {
      await this.#dependencies.artifacts.upload(root, longParamArtifactPath(key), fullValue, {
        contentType: 'text/plain; charset=utf-8',
      });
    }
  }

  async #sendChunk(runId: string, chunk: LogBatchChunk): Promise<void> {
    const { executor, readHistory } = this.#dependencies;
    let pending = chunk;
    for (;;) {
      try {
        await executor.execute(postJson('runs/log-batch', logBatchBody(runId, pending), ignoreBody, { idempotent: true }));
        return;
      } catch (error) {
        if (!(error instanceof BadRequestError)) throw error;
        const rest = await withoutStoredNaNMetrics(pending, readHistory(runId));
        if (rest === undefined) throw error;
        if (isEmptyChunk(rest)) return;
        pending = rest;
      }
    }
  }
}
