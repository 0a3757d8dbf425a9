import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The recorded request of one exchange (see fixtures/exchanges/README in /work/shared or API.md). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string> | null;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly bodyEncoding?: 'base64';
}

/** The recorded answer of one exchange. */
export interface RecordedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
  readonly bodyEncoding?: 'base64';
  readonly contentDisposition?: string;
}

/** One recorded request/answer pair. */
export interface RecordedExchange {
  readonly request: RecordedRequest;
  readonly response: RecordedResponse;
  readonly note?: string;
  readonly noteReturnedLength?: number;
}

/** A recorded scenario, its placeholders expanded to the real values. */
export interface RecordedScenario {
  readonly scenario: string;
  readonly description: string;
  readonly exchanges: readonly RecordedExchange[];
}

/** The scenario files recorded from MLflow 2.12.2 (`fixtures/exchanges/`), by name. */
export type ScenarioName = 'experiment-lifecycle' | 'run-lifecycle' | 'nested-sweep' | 'errors' | 'artifacts' | 'limits';

/** The scenario files recorded from MLflow 3.6 (`fixtures/exchanges-3.6/`), by name. */
export type Mlflow3ScenarioName = 'run-lifecycle';

const REPEATED_CHAR = /^<(\d+) x '(.)'>$/u;
const METRIC_RANGE = /^<(\d+) metrics: key (\S+), value i, step i>$/;

function expand(value: unknown, note: string | undefined): unknown {
  if (typeof value === 'string') {
    const repeated = REPEATED_CHAR.exec(value);
    if (repeated !== null) return repeated[2]!.repeat(Number(repeated[1]));
    const metrics = METRIC_RANGE.exec(value);
    if (metrics !== null) {
      const timestamp = Number(/"timestamp":(\d+)/.exec(note ?? '')?.[1]);
      if (!Number.isInteger(timestamp)) throw new Error(`metric placeholder '${value}' without a timestamp note`);
      return Array.from({ length: Number(metrics[1]) }, (_, i) => ({ key: metrics[2], value: i, timestamp, step: i }));
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => expand(item, note));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item, note)]));
  }
  return value;
}

/** Loads `test/fixtures/exchanges/<name>.json` (MLflow 2.12.2) with the large-body placeholders replaced by the bodies they stand for. */
export function loadScenario(name: ScenarioName): RecordedScenario {
  return loadScenarioFile(`exchanges/${name}.json`);
}

/** Loads `test/fixtures/exchanges-3.6/<name>.json` (MLflow 3.6.1.dev0), placeholders expanded as for {@link loadScenario}. */
export function loadMlflow3Scenario(name: Mlflow3ScenarioName): RecordedScenario {
  return loadScenarioFile(`exchanges-3.6/${name}.json`);
}

/**
 * The recorded exchanges as today's client sends them to MLflow 2.12.2: every `metrics/get-history` request carries
 * `max_results=25000`, which the recordings (made without it) lack. MLflow 2.12.2 ignores `max_results` on that
 * endpoint (shared/mlflow/API.md), so the recorded answers are the answers to the requests with it.
 */
export function withHistoryPageSize(exchanges: readonly RecordedExchange[]): RecordedExchange[] {
  return exchanges.map((exchange) =>
    exchange.request.path.endsWith('/metrics/get-history') && exchange.request.query?.max_results === undefined
      ? { ...exchange, request: { ...exchange.request, query: { ...exchange.request.query, max_results: '25000' } } }
      : exchange,
  );
}

function loadScenarioFile(relativePath: string): RecordedScenario {
  const path = fileURLToPath(new URL(`../fixtures/${relativePath}`, import.meta.url));
  const raw = JSON.parse(readFileSync(path, 'utf8')) as RecordedScenario;
  return {
    ...raw,
    exchanges: raw.exchanges.map((exchange) => ({
      ...exchange,
      request: { ...exchange.request, body: expand(exchange.request.body, exchange.note) },
      response: { ...exchange.response, body: expand(exchange.response.body, exchange.note) },
    })),
  };
}

/** The bytes of a recorded body: base64 decoded, text as UTF-8, JSON serialised. */
export function recordedBodyBytes(body: unknown, encoding: 'base64' | undefined): Buffer {
  if (encoding === 'base64') return Buffer.from(String(body), 'base64');
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}
