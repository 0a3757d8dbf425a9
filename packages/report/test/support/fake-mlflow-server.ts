import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MlrunsStoreContents } from '../../../tracking/src/mlruns/mlruns-records.js';

/** A tiny MLflow tracking server answering the read endpoints `kdlab compare` uses, from a store's contents. */
export interface FakeMlflowServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Requests received, as `METHOD path`. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

const keyValues = (record: Record<string, string>): { key: string; value: string }[] => Object.entries(record).map(([key, value]) => ({ key, value }));

/** How `metrics/get-history` answers. */
export type HistoryBehaviour =
  /** MLflow 2.x: every point in one answer, `max_results` ignored. */
  | 'mlflow-2'
  /**
   * MLflow 3.4 to 3.13 (mlflow/mlflow#23916, recorded from 3.6 in packages/mlflow/test/fixtures/exchanges-3.6):
   * without `max_results`, no metrics and the page token `{"offset": 0}`, which answers 400 INVALID_PARAMETER_VALUE
   * when followed; with it, pages of `max_results` points and a token for the next one.
   */
  | 'mlflow-3.6';

/** A run in MLflow's JSON shape, each metric with its latest value only (as MLflow lists runs). */
function runJson(run: MlrunsStoreContents['runs'][number]): unknown {
  return {
    info: {
      run_id: run.info.runId,
      experiment_id: run.info.experimentId,
      run_name: run.info.runName,
      user_id: run.info.userId,
      status: run.info.status,
      start_time: run.info.startTime,
      ...(run.info.endTime === null ? {} : { end_time: run.info.endTime }),
      artifact_uri: run.info.artifactUri,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(run.metrics).map(([key, points]) => {
        const latest = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp).at(-1)!;
        return { key, value: latest.value, timestamp: latest.timestamp, step: latest.step };
      }),
      params: keyValues(run.params),
      tags: keyValues(run.tags),
    },
  };
}

const encodeOffset = (offset: number): string => Buffer.from(JSON.stringify({ offset })).toString('base64');

/**
 * Serves `experiments/get-by-name`, `runs/search` (pages of `pageSize` runs), `runs/get` and
 * `metrics/get-history` from a local store's contents, in MLflow's JSON shapes; the listing carries
 * each metric's latest value only, as MLflow's does.
 *
 * @param contents - What `readMlrunsStore` read.
 * @param pageSize - Runs per `runs/search` page.
 * @param history - How `metrics/get-history` answers.
 */
export async function startFakeMlflowServer(contents: MlrunsStoreContents, pageSize = 5, history: HistoryBehaviour = 'mlflow-2'): Promise<FakeMlflowServer> {
  const requests: string[] = [];
  const send = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const readBody = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(`${request.method} ${url.pathname}`);
      const route = url.pathname.replace('/api/2.0/mlflow/', '');
      if (route === 'experiments/get-by-name') {
        const experiment = contents.experiments.find((candidate) => candidate.name === url.searchParams.get('experiment_name'));
        if (experiment === undefined) return send(response, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' });
        return send(response, 200, {
          experiment: { experiment_id: experiment.experimentId, name: experiment.name, artifact_location: experiment.artifactLocation, lifecycle_stage: 'active', tags: keyValues(experiment.tags) },
        });
      }
      if (route === 'runs/search') {
        const body = await readBody(request);
        const ids = body['experiment_ids'] as string[];
        const runs = contents.runs.filter((run) => ids.includes(run.info.experimentId) && run.info.lifecycleStage === 'active');
        const start = Number(body['page_token'] ?? 0);
        const page = runs.slice(start, start + pageSize).map(runJson);
        return send(response, 200, { runs: page, ...(start + pageSize < runs.length ? { next_page_token: String(start + pageSize) } : {}) });
      }
      if (route === 'runs/get') {
        const run = contents.runs.find((candidate) => candidate.info.runId === url.searchParams.get('run_id'));
        if (run === undefined) return send(response, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such run' });
        return send(response, 200, { run: runJson(run) });
      }
      if (route === 'metrics/get-history') {
        const run = contents.runs.find((candidate) => candidate.info.runId === url.searchParams.get('run_id'));
        const points = (run?.metrics[url.searchParams.get('metric_key') ?? ''] ?? []).map((point) => ({ key: url.searchParams.get('metric_key'), ...point }));
        if (history === 'mlflow-2') return send(response, 200, { metrics: points });
        const maxResults = url.searchParams.get('max_results');
        if (maxResults === null) {
          if (url.searchParams.has('page_token')) return send(response, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid page token, parsed value={'offset': 0}" });
          return send(response, 200, { next_page_token: encodeOffset(0) });
        }
        const token = url.searchParams.get('page_token');
        const offset = token === null ? 0 : (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: number }).offset;
        const end = offset + Number(maxResults);
        return send(response, 200, { metrics: points.slice(offset, end), ...(end < points.length ? { next_page_token: encodeOffset(end) } : {}) });
      }
      send(response, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `no endpoint ${url.pathname}` });
    })().catch((error: Error) => send(response, 500, { error_code: 'INTERNAL_ERROR', message: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
