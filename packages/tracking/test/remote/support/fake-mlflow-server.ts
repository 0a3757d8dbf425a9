import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the fake server received it. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Headers (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
}

/** One stored metric value (as MLflow's SQL store keeps it: NaN flagged, key+timestamp+step+value unique). */
export interface StoredMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** A run as the fake server stores it. */
export interface StoredRun {
  info: {
    run_id: string;
    run_uuid: string;
    experiment_id: string;
    run_name: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: string;
  };
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: StoredMetric[];
  /** Identities (key, timestamp, step, value) of the stored metrics, for de-duplication. */
  metricIds: Set<string>;
}

/** An experiment as the fake server stores it. */
export interface StoredExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags?: { key: string; value: string }[];
}

const API = '/api/2.0/mlflow/';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts/';
const MAX_FLOAT = 1.7976931348623157e308;

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small MLflow-like tracking server on 127.0.0.1 (real sockets) with the endpoints kdlab's tracker
 * uses, answering as MLflow 2.12.2 does in the recordings of packages/mlflow/test/fixtures/exchanges:
 * experiments get-by-name/get/create/search (paged), runs create/get/update/search/log-batch/set-tag,
 * metrics get-history, artifacts/list and the artifact proxy. Metrics are de-duplicated as MLflow's SQL store does (same key, timestamp, step and
 * value), and a re-sent NaN answers 400 BAD_REQUEST. It can be stopped (listener and connections
 * closed) and started again on the same port with its data kept, like a server behind a restart.
 */
export class FakeMlflowServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Experiments by id. */
  readonly experiments = new Map<string, StoredExperiment>();
  /** Runs by id. */
  readonly runs = new Map<string, StoredRun>();
  /** Artifact contents by proxy path (`<experiment>/<run>/artifacts/<path>`). */
  readonly artifacts = new Map<string, Buffer>();
  /** Answer this many of the next requests with 503 TEMPORARILY_UNAVAILABLE. */
  failNext = 0;
  /** Store this many of the next log-batch requests, then break the connection instead of answering. */
  loseAnswers = 0;
  /** Answers 503 TEMPORARILY_UNAVAILABLE (storing nothing) to every request for which it returns true. */
  failWhen: ((request: RecordedRequest) => boolean) | undefined;
  /** Answers 400 INVALID_PARAMETER_VALUE (storing nothing) to every request for which it returns true. */
  refuseWhen: ((request: RecordedRequest) => boolean) | undefined;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #nextExperiment = 1;
  #nextRun = 1;

  /** Starts a server on a port the OS picks. */
  static async start(): Promise<FakeMlflowServer> {
    const server = new FakeMlflowServer();
    await server.listen();
    return server;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens again (on the same port after a {@link FakeMlflowServer.stop}). */
  async listen(): Promise<void> {
    const server = createServer((request, response) => void this.#handle(request, response));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the listener and every open connection: clients now get "connection refused". */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The runs of an experiment, by name. */
  runsOf(experimentName: string): StoredRun[] {
    const experiment = [...this.experiments.values()].find((e) => e.name === experimentName);
    return [...this.runs.values()].filter((run) => run.info.experiment_id === experiment?.experiment_id);
  }

  /** Requests to one endpoint (path below `/api/2.0/mlflow/`, e.g. `runs/log-batch`). */
  requestsTo(endpoint: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === `${API}${endpoint}`);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams.entries()),
      headers: request.headers,
      body: Buffer.concat(chunks),
    };
    this.requests.push(recorded);
    try {
      if (this.failNext > 0 || this.failWhen?.(recorded) === true) {
        if (this.failNext > 0) this.failNext -= 1;
        throw new ApiFailure(503, 'TEMPORARILY_UNAVAILABLE', 'The server is busy, try again');
      }
      if (this.refuseWhen?.(recorded) === true) throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', 'Refused by this fake server, as the test asked');
      const answer = this.#route(recorded);
      if (this.loseAnswers > 0 && recorded.path === `${API}runs/log-batch`) {
        this.loseAnswers -= 1;
        request.socket.destroy();
        return;
      }
      if (Buffer.isBuffer(answer)) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
      } else if (typeof answer === 'string') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(answer);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      }
    } catch (error) {
      const failure = error instanceof ApiFailure ? error : new ApiFailure(500, 'INTERNAL_ERROR', (error as Error).message);
      response
        .writeHead(failure.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error_code: failure.errorCode, message: failure.message }));
    }
  }

  #route(request: RecordedRequest): unknown {
    const { method, path } = request;
    if (path === '/health') return 'OK';
    if (path.startsWith(ARTIFACTS)) {
      const key = path.slice(ARTIFACTS.length);
      if (method === 'PUT') {
        this.artifacts.set(key, request.body);
        return {};
      }
      const stored = this.artifacts.get(key);
      if (stored === undefined) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `File ${key} not found`);
      return stored;
    }
    const endpoint = `${method} ${path.startsWith(API) ? path.slice(API.length) : path}`;
    const body = method === 'POST' ? (JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>) : {};
    switch (endpoint) {
      case 'GET experiments/get-by-name':
        return { experiment: this.#experimentByName(request.query['experiment_name'] ?? '') };
      case 'GET experiments/get': {
        const experiment = this.experiments.get(request.query['experiment_id'] ?? '');
        if (experiment === undefined) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${request.query['experiment_id']} exists`);
        return { experiment };
      }
      case 'POST experiments/search':
        return this.#searchExperiments(body);
      case 'POST experiments/create':
        return { experiment_id: this.#createExperiment(String(body['name']), body['tags'] as StoredExperiment['tags']) };
      case 'POST runs/create':
        return { run: this.#wireRun(this.#createRun(body)) };
      case 'GET runs/get':
        return { run: this.#wireRun(this.#run(request.query['run_id'])) };
      case 'POST runs/update':
        return { run_info: this.#updateRun(body) };
      case 'POST runs/log-batch':
        this.#logBatch(body);
        return {};
      case 'POST runs/search':
        return this.#search(body);
      case 'POST runs/set-tag':
        this.#run(body['run_id']).tags.set(String(body['key']), String(body['value']));
        return {};
      case 'GET artifacts/list':
        return this.#listArtifacts(request.query['run_id'], request.query['path']);
      case 'GET metrics/get-history':
        return {
          metrics: this.#run(request.query['run_id'])
            .metrics.filter((metric) => metric.key === request.query['metric_key'])
            .map(wireMetric),
        };
      default:
        throw new ApiFailure(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${endpoint} in this fake server`);
    }
  }

  /** `experiments/search`: active experiments by id, `max_results` a page, MLflow's page tokens (base64 `{"offset": n}`); no filter. */
  #searchExperiments(body: Record<string, unknown>): unknown {
    if (typeof body['filter'] === 'string' && body['filter'].trim() !== '') {
      throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `This fake server does not filter experiments, got '${body['filter']}'`);
    }
    const maxResults = typeof body['max_results'] === 'number' ? body['max_results'] : 1000;
    const offset = typeof body['page_token'] === 'string' ? (JSON.parse(Buffer.from(body['page_token'], 'base64').toString('utf8')) as { offset: number }).offset : 0;
    const active = [...this.experiments.values()].filter((experiment) => experiment.lifecycle_stage === 'active');
    const page = active.slice(offset, offset + maxResults);
    const next = offset + maxResults < active.length ? Buffer.from(JSON.stringify({ offset: offset + maxResults })).toString('base64') : undefined;
    return { ...(page.length > 0 ? { experiments: page } : {}), ...(next !== undefined ? { next_page_token: next } : {}) };
  }

  /** `artifacts/list`: the files and folders directly in a folder of a run's artifacts, paths relative to the run's root. */
  #listArtifacts(runId: unknown, path: string | undefined): unknown {
    const run = this.#run(runId);
    const root = `${run.info.experiment_id}/${run.info.run_id}/artifacts/`;
    const prefix = path === undefined || path === '' ? '' : `${path.replace(/\/$/, '')}/`;
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [key, contents] of this.artifacts) {
      if (!key.startsWith(root + prefix)) continue;
      const rest = key.slice(root.length + prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      entries.set(name, slash < 0 ? { path: prefix + name, is_dir: false, file_size: contents.length } : { path: prefix + name, is_dir: true });
    }
    return { root_uri: run.info.artifact_uri, ...(entries.size > 0 ? { files: [...entries.values()] } : {}) };
  }

  #experimentByName(name: string): StoredExperiment {
    const found = [...this.experiments.values()].find((experiment) => experiment.name === name);
    if (found === undefined) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    return found;
  }

  #createExperiment(name: string, tags: StoredExperiment['tags']): string {
    if ([...this.experiments.values()].some((experiment) => experiment.name === name)) {
      throw new ApiFailure(400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
    }
    const id = String(this.#nextExperiment++);
    const now = Date.now();
    this.experiments.set(id, {
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      ...(tags !== undefined && tags.length > 0 ? { tags } : {}),
    });
    return id;
  }

  #createRun(body: Record<string, unknown>): StoredRun {
    const experimentId = String(body['experiment_id']);
    if (!this.experiments.has(experimentId)) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    const id = (this.#nextRun++).toString(16).padStart(32, 'a');
    const runName = String(body['run_name'] ?? '');
    const run: StoredRun = {
      info: {
        run_id: id,
        run_uuid: id,
        experiment_id: experimentId,
        run_name: runName,
        user_id: String(body['user_id'] ?? ''),
        status: 'RUNNING',
        start_time: Number(body['start_time'] ?? 0),
        artifact_uri: `mlflow-artifacts:/${experimentId}/${id}/artifacts`,
        lifecycle_stage: 'active',
      },
      params: new Map(),
      tags: new Map(),
      metrics: [],
      metricIds: new Set(),
    };
    for (const tag of (body['tags'] as { key: string; value: string }[] | undefined) ?? []) run.tags.set(tag.key, tag.value);
    if (runName !== '') run.tags.set('mlflow.runName', runName);
    this.runs.set(id, run);
    return run;
  }

  #run(runId: unknown): StoredRun {
    const run = this.runs.get(String(runId));
    if (run === undefined) throw new ApiFailure(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${String(runId)} not found`);
    return run;
  }

  #updateRun(body: Record<string, unknown>): StoredRun['info'] {
    const run = this.#run(body['run_id']);
    if (typeof body['status'] === 'string') run.info.status = body['status'];
    if (typeof body['end_time'] === 'number') run.info.end_time = body['end_time'];
    if (typeof body['run_name'] === 'string') run.info.run_name = body['run_name'];
    return run.info;
  }

  #logBatch(body: Record<string, unknown>): void {
    const run = this.#run(body['run_id']);
    const metrics = (body['metrics'] as { key: string; value: number | string; timestamp: number; step?: number }[] | undefined) ?? [];
    const params = (body['params'] as { key: string; value: string }[] | undefined) ?? [];
    const tags = (body['tags'] as { key: string; value: string }[] | undefined) ?? [];
    if (metrics.length > 1000) throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics.`);
    if (params.length > 100) throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 params. Got ${params.length} params.`);
    if (tags.length > 100) throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 tags. Got ${tags.length} tags.`);
    for (const param of params) {
      const old = run.params.get(param.key);
      if (old !== undefined && old !== param.value) {
        throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${old}'.`);
      }
    }
    const incoming = metrics.map((metric) => ({ key: metric.key, value: Number(metric.value), timestamp: metric.timestamp, step: metric.step ?? 0 }));
    for (const metric of incoming) {
      if (Number.isNaN(metric.value) && run.metricIds.has(metricId(metric))) {
        throw new ApiFailure(400, 'BAD_REQUEST', '(sqlite3.IntegrityError) UNIQUE constraint failed: metrics.key, metrics.timestamp, metrics.step, metrics.run_uuid, metrics.value, metrics.is_nan');
      }
    }
    for (const param of params) run.params.set(param.key, param.value);
    for (const tag of tags) {
      run.tags.set(tag.key, tag.value);
      if (tag.key === 'mlflow.runName') run.info.run_name = tag.value;
    }
    for (const metric of incoming) {
      const id = metricId(metric);
      if (run.metricIds.has(id)) continue;
      run.metricIds.add(id);
      run.metrics.push(metric);
    }
  }

  #search(body: Record<string, unknown>): unknown {
    const experimentIds = (body['experiment_ids'] as string[] | undefined) ?? [];
    const filter = typeof body['filter'] === 'string' ? body['filter'].trim() : '';
    const startTime = /^attributes\.start_time = (\d+)$/.exec(filter);
    const tag = /^tags\.`([^`]+)` = '([^']*)'$/.exec(filter);
    if (filter !== '' && startTime === null && tag === null) {
      throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `This fake server only filters on attributes.start_time or one tag, got '${filter}'`);
    }
    const maxResults = typeof body['max_results'] === 'number' ? body['max_results'] : 1000;
    const orderBy = (body['order_by'] as string[] | undefined) ?? [];
    if (orderBy.some((order) => order !== 'attributes.start_time DESC')) {
      throw new ApiFailure(400, 'INVALID_PARAMETER_VALUE', `This fake server only orders by attributes.start_time DESC, got '${orderBy.join(', ')}'`);
    }
    const matching = [...this.runs.values()].filter(
      (run) =>
        experimentIds.includes(run.info.experiment_id) &&
        (startTime === null || run.info.start_time === Number(startTime[1])) &&
        (tag === null || run.tags.get(tag[1]!) === tag[2]),
    );
    if (orderBy.length > 0) matching.sort((a, b) => b.info.start_time - a.info.start_time);
    const runs = matching.slice(0, maxResults);
    return runs.length === 0 ? {} : { runs: runs.map((run) => this.#wireRun(run)) };
  }

  #wireRun(run: StoredRun): unknown {
    const latest = new Map<string, StoredMetric>();
    for (const metric of run.metrics) {
      const previous = latest.get(metric.key);
      if (previous === undefined || metric.step > previous.step || (metric.step === previous.step && metric.timestamp >= previous.timestamp)) latest.set(metric.key, metric);
    }
    return {
      info: { ...run.info },
      data: {
        ...(latest.size > 0 ? { metrics: [...latest.values()].map(wireMetric) } : {}),
        ...(run.params.size > 0 ? { params: [...run.params].map(([key, value]) => ({ key, value })) } : {}),
        ...(run.tags.size > 0 ? { tags: [...run.tags].map(([key, value]) => ({ key, value })) } : {}),
      },
    };
  }
}

/** What MLflow's SQL store keeps unique for a metric: key, timestamp, step and value (NaN equal to NaN). */
function metricId(metric: StoredMetric): string {
  return JSON.stringify([metric.key, metric.timestamp, metric.step, String(metric.value)]);
}

function wireMetric(metric: StoredMetric): unknown {
  const value = Number.isNaN(metric.value) ? 'NaN' : Number.isFinite(metric.value) ? metric.value : Math.sign(metric.value) * MAX_FLOAT;
  return { key: metric.key, value, timestamp: metric.timestamp, step: metric.step };
}
