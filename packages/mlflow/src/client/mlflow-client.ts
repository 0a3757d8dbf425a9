import { inspect } from 'node:util';
import type { MlflowClientOptions } from '../config/client-options.js';
import { resolveClientConfig, type ResolvedClientConfig } from '../config/resolve-config.js';
import { headerValue } from '../transport/http-exchange.js';
import { HttpTransport } from '../transport/http-transport.js';
import { decodeJsonBody, decodeTextBody, encodeJsonBody, JSON_CONTENT_TYPE } from '../transport/json-body.js';
import { RequestExecutor } from '../transport/request-executor.js';
import { ArtifactsApi } from './artifacts-api.js';
import { ExperimentsApi } from './experiments-api.js';
import type { RawRequest, RawResponse } from './raw-request.js';
import { RunsApi } from './runs-api.js';

/** What `JSON.stringify(client)` shows: nothing secret. */
export interface MlflowClientDescription {
  /** The tracking server's URL, without credentials. */
  readonly trackingUri: string;
  /** The kind of credentials, e.g. `bearer token (redacted)`. */
  readonly credentials: string;
}

/**
 * A typed client of an MLflow tracking server's REST API (MLflow 2.x), over undici.
 *
 * ```ts
 * const client = new MlflowClient(); // MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, ...
 * const experiment = await client.experiments.getOrCreate('distillation');
 * const run = await client.runs.create({ experimentId: experiment.experimentId, runName: 'hinton-t4' });
 * await client.runs.logBatch(run.info.runId, { params: { temperature: 4 }, metrics: [{ key: 'val/accuracy', value: 0.91, step: 1 }] });
 * await client.runs.update({ runId: run.info.runId, status: 'FINISHED' });
 * await client.close();
 * ```
 *
 * Credentials are held privately: they never appear in `toString()`, `JSON.stringify`, `util.inspect` or errors.
 */
export class MlflowClient {
  /** Experiments: get by name or id, create, get-or-create, search. */
  readonly experiments: ExperimentsApi;
  /** Runs: create, get, update, search, delete, and logging (metrics, params, tags, history). */
  readonly runs: RunsApi;
  /** Artifacts through the server's proxy: upload, list, download. */
  readonly artifacts: ArtifactsApi;
  readonly #config: ResolvedClientConfig;
  readonly #transport: HttpTransport;
  readonly #executor: RequestExecutor;

  /** @param options - settings; any left out come from the `MLFLOW_*` environment variables */
  constructor(options: MlflowClientOptions = {}) {
    this.#config = resolveClientConfig(options);
    this.#transport = new HttpTransport(this.#config, options.dispatcher);
    this.#executor = new RequestExecutor(this.#transport, this.#config.retry, this.#config.onRetry);
    const context = { executor: this.#executor, config: this.#config, now: () => Date.now() };
    this.experiments = new ExperimentsApi(context);
    this.artifacts = new ArtifactsApi(context);
    this.runs = new RunsApi(context, this.artifacts);
  }

  /** The tracking server's URL, without credentials. */
  get trackingUri(): string {
    return this.#config.baseUrl.href.replace(/\/$/, '');
  }

  /** `GET /health`: the server's answer (`OK`); throws when it is down. */
  async health(): Promise<string> {
    return this.#getText('/health');
  }

  /** `GET /version`: the server's MLflow version, e.g. `2.12.2`. */
  async version(): Promise<string> {
    return this.#getText('/version');
  }

  /**
   * Sends any request, with the client's credentials, retries and typed errors but without validation: for
   * endpoints this client does not cover. Throws the same typed errors for non-2xx answers.
   */
  async send(request: RawRequest): Promise<RawResponse> {
    const body =
      request.json !== undefined
        ? encodeJsonBody(request.json)
        : typeof request.body === 'string'
          ? new TextEncoder().encode(request.body)
          : request.body;
    const contentType = request.contentType ?? (request.json !== undefined ? JSON_CONTENT_TYPE : undefined);
    return this.#executor.execute({
      method: request.method,
      path: request.path,
      query: request.query,
      body,
      contentType,
      idempotent: request.idempotent ?? request.method !== 'POST',
      decode: (response) => ({
        status: response.status,
        contentType: headerValue(response, 'content-type'),
        body: response.body,
        text: () => decodeTextBody(response),
        json: () => decodeJsonBody(response, request.path),
      }),
    });
  }

  /** Closes the client's connections; it cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** `MlflowClient(<url>, <credential kind> (redacted))`. */
  toString(): string {
    return `MlflowClient(${this.trackingUri}, ${this.#config.credentials.toString()})`;
  }

  /** What `JSON.stringify` shows: the URL and the kind of credentials only. */
  toJSON(): MlflowClientDescription {
    return { trackingUri: this.trackingUri, credentials: this.#config.credentials.toString() };
  }

  /** What `util.inspect` / `console.log` show: the same as {@link MlflowClient.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  async #getText(path: string): Promise<string> {
    return this.#executor.execute({ method: 'GET', path, idempotent: true, decode: decodeTextBody });
  }
}
