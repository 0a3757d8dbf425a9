import type { HttpMethod } from '../transport/http-exchange.js';

/** A request sent as given by {@link MlflowClient.send}: no validation, no encoding beyond JSON. */
export interface RawRequest {
  /** HTTP method. */
  readonly method: HttpMethod;
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/get` (percent-encode it yourself). */
  readonly path: string;
  /** Query parameters, unencoded. */
  readonly query?: Readonly<Record<string, string>>;
  /** A value to send as JSON (sets `Content-Type: application/json` unless `contentType` is given). */
  readonly json?: unknown;
  /** A raw body (a string is sent as UTF-8); ignored when `json` is given. */
  readonly body?: string | Uint8Array;
  /** Content-Type to send; none is sent for a raw body without it. */
  readonly contentType?: string;
  /** Whether retrying after an unknown outcome is harmless; default true except for POST. */
  readonly idempotent?: boolean;
}

/** A 2xx answer to a {@link RawRequest}. */
export interface RawResponse {
  /** HTTP status. */
  readonly status: number;
  /** Content-Type of the answer, when it had one. */
  readonly contentType: string | undefined;
  /** The body bytes. */
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON. */
  json(): unknown;
}
