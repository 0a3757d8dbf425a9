import { excerptOfBody } from '../errors/http-error.js';
import { MlflowResponseError } from '../errors/response-error.js';
import { MlflowValidationError } from '../errors/validation-error.js';
import type { HttpExchangeResponse } from './http-exchange.js';

const utf8 = new TextDecoder('utf-8');

/** The Content-Type of every JSON request body (MLflow answers 400 without it). */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * Serialises a request body. A non-finite number would become `null` (or a bare `NaN` that MLflow stores as 0),
 * so it is refused here; metric values are encoded as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` before this.
 */
export function encodeJsonBody(value: unknown): Uint8Array {
  const text = JSON.stringify(value, (key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new MlflowValidationError(key === '' ? 'request body' : `field '${key}'`, `${item} cannot be sent as JSON`);
    }
    return item;
  });
  return new TextEncoder().encode(text);
}

/** Reads a success answer as JSON; `where` names the endpoint in the error when it is not JSON. */
export function decodeJsonBody(response: HttpExchangeResponse, where: string): unknown {
  const text = utf8.decode(response.body);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MlflowResponseError(where, `expected a JSON body, got "${excerptOfBody(text)}"`);
  }
}

/** Reads a success answer as UTF-8 text. */
export function decodeTextBody(response: HttpExchangeResponse): string {
  return utf8.decode(response.body);
}
