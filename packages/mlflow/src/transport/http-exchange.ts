/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One HTTP request, as the transport sends it. */
export interface HttpExchangeRequest {
  /** HTTP method. */
  readonly method: HttpMethod;
  /** Path below the tracking URI, starting with `/`, already percent-encoded where needed. */
  readonly path: string;
  /** Query parameters, unencoded (they are encoded when sent). */
  readonly query?: Readonly<Record<string, string>>;
  /** Raw body bytes. */
  readonly body?: Uint8Array;
  /** Content-Type of the body; none is sent when undefined. */
  readonly contentType?: string;
}

/** One HTTP answer, its body read in full. */
export interface HttpExchangeResponse {
  /** HTTP status. */
  readonly status: number;
  /** Answer headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The whole body. */
  readonly body: Uint8Array;
}

/** Reads one header as a single string (the first value when repeated). */
export function headerValue(response: HttpExchangeResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
