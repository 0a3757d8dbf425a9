import { createApiError, type MlflowApiError } from '../errors/api-errors.js';
import { excerptOfBody, MlflowHttpError } from '../errors/http-error.js';
import type { AttemptHistory, RequestTarget } from '../errors/request-target.js';
import { headerValue, type HttpExchangeResponse } from './http-exchange.js';

const utf8 = new TextDecoder('utf-8');

function mlflowErrorBody(text: string): { errorCode: string; message: string } | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { error_code: errorCode, message } = parsed as { error_code?: unknown; message?: unknown };
    if (typeof errorCode !== 'string') return undefined;
    return { errorCode, message: typeof message === 'string' ? message : '' };
  } catch {
    return undefined;
  }
}

/**
 * Turns a non-2xx answer into a typed error: an {@link MlflowApiError} subclass for MLflow's JSON error bodies,
 * an {@link MlflowHttpError} with a short excerpt for anything else (HTML pages, proxy errors, empty bodies).
 */
export function errorFromResponse(
  response: HttpExchangeResponse,
  target: RequestTarget,
  history: AttemptHistory,
): MlflowApiError | MlflowHttpError {
  const text = utf8.decode(response.body);
  const body = mlflowErrorBody(text);
  if (body !== undefined) {
    return createApiError({
      status: response.status,
      errorCode: body.errorCode,
      serverMessage: body.message,
      target,
      history,
    });
  }
  return new MlflowHttpError({
    status: response.status,
    contentType: headerValue(response, 'content-type'),
    excerpt: excerptOfBody(text),
    target,
    history,
  });
}
