import { Agent, request, type Dispatcher } from 'undici';
import type { ResolvedClientConfig } from '../config/resolve-config.js';
import type { HttpExchangeRequest, HttpExchangeResponse } from './http-exchange.js';

const USER_AGENT = '@kdlab/mlflow';

/** Encodes query parameters the way MLflow's server decodes them (`%20` for spaces, `%2B` for `+`). */
function encodeQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/**
 * Sends single HTTP requests to the tracking server over undici and reads each answer in full. It adds the
 * `Authorization` header; nothing is retried here (the request executor does that).
 */
export class HttpTransport {
  readonly #config: ResolvedClientConfig;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  /**
   * @param config - resolved client settings
   * @param dispatcher - an undici dispatcher to use instead of an own `Agent` (then it is not closed here)
   */
  constructor(config: ResolvedClientConfig, dispatcher?: Dispatcher) {
    this.#config = config;
    this.#ownsDispatcher = dispatcher === undefined;
    this.#dispatcher =
      dispatcher ??
      new Agent({ connect: { timeout: config.connectTimeoutMs, rejectUnauthorized: !config.insecureTls } });
  }

  /** The full URL of a path below the tracking URI. */
  urlOf(path: string, query?: Readonly<Record<string, string>>): URL {
    const url = new URL(this.#config.baseUrl.href);
    url.pathname = `${this.#config.baseUrl.pathname.replace(/\/+$/, '')}${path}`;
    if (query !== undefined && Object.keys(query).length > 0) url.search = encodeQuery(query);
    return url;
  }

  /** Sends one request and reads the whole answer; network failures are thrown as they come from undici. */
  async exchange(exchange: HttpExchangeRequest): Promise<HttpExchangeResponse> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    if (exchange.contentType !== undefined) headers['content-type'] = exchange.contentType;
    const authorization = this.#config.credentials.authorizationHeader();
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await request(this.urlOf(exchange.path, exchange.query), {
      method: exchange.method,
      headers,
      body: exchange.body === undefined ? null : Buffer.from(exchange.body.buffer, exchange.body.byteOffset, exchange.body.byteLength),
      dispatcher: this.#dispatcher,
      headersTimeout: this.#config.timeoutMs,
      bodyTimeout: this.#config.timeoutMs,
    });
    const body = new Uint8Array(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body };
  }

  /** Closes the connections this transport opened (a dispatcher passed in is left open). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}
