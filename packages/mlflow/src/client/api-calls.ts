import type { ApiCall } from '../transport/request-executor.js';
import { decodeJsonBody, encodeJsonBody, JSON_CONTENT_TYPE } from '../transport/json-body.js';

/** Path of MLflow's tracking REST API. */
export const TRACKING_API = '/api/2.0/mlflow';

/** Options of a JSON POST call. */
export interface PostJsonOptions<T> {
  /** Whether repeating it is harmless. */
  readonly idempotent: boolean;
  /** Looks for the effect of an attempt whose outcome is unknown (non-idempotent calls). */
  readonly recover?: () => Promise<T | undefined>;
}

/** A POST of a JSON body to `TRACKING_API/<endpoint>`, its JSON answer read by `decode`. */
export function postJson<T>(
  endpoint: string,
  body: unknown,
  decode: (json: unknown, where: string) => T,
  options: PostJsonOptions<T>,
): ApiCall<T> {
  const path = `${TRACKING_API}/${endpoint}`;
  return {
    method: 'POST',
    path,
    body: encodeJsonBody(body),
    contentType: JSON_CONTENT_TYPE,
    idempotent: options.idempotent,
    decode: (response) => decode(decodeJsonBody(response, endpoint), endpoint),
    recover: options.recover,
  };
}

/** A GET of `TRACKING_API/<endpoint>` with query parameters, its JSON answer read by `decode`. */
export function getJson<T>(
  endpoint: string,
  query: Readonly<Record<string, string>>,
  decode: (json: unknown, where: string) => T,
): ApiCall<T> {
  return {
    method: 'GET',
    path: `${TRACKING_API}/${endpoint}`,
    query,
    idempotent: true,
    decode: (response) => decode(decodeJsonBody(response, endpoint), endpoint),
  };
}

/** Reads an answer that carries nothing (`{}`), checking only that it is JSON. */
export function ignoreBody(): void {}

/** Copies only the fields whose value is defined (MLflow treats a sent default differently from an absent field). */
export function definedFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
