import { MlflowError } from './mlflow-error.js';
import { describeRequest, type AttemptHistory, type RequestTarget } from './request-target.js';

/** Why a request got no answer. */
export interface ConnectionErrorDetails {
  /** The request that failed. */
  readonly target: RequestTarget;
  /** How often it was tried. */
  readonly history: AttemptHistory;
  /** The system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`. */
  readonly code: string;
  /** True when the failure came after the request was sent, so the server may have applied it. */
  readonly requestMayHaveBeenProcessed: boolean;
  /** The underlying error. */
  readonly cause: unknown;
}

/** The tracking server could not be reached, or the connection broke before an answer came (after all retries). */
export class MlflowConnectionError extends MlflowError {
  override readonly name: string = 'MlflowConnectionError';
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Endpoint path of the failed request. */
  readonly endpoint: string;
  /** System or undici error code of the last failure. */
  readonly code: string;
  /** Number of attempts made. */
  readonly attempts: number;
  /** True when the last or an earlier attempt may have been applied by the server. */
  readonly requestMayHaveBeenProcessed: boolean;

  /** @param details - the request and the network failure */
  constructor(details: ConnectionErrorDetails) {
    const reason = details.cause instanceof Error ? details.cause.message : String(details.cause);
    super(`MLflow ${describeRequest(details.target, details.history)} got no answer: ${reason} (${details.code})`, {
      cause: details.cause,
    });
    this.method = details.target.method;
    this.endpoint = details.target.endpoint;
    this.code = details.code;
    this.attempts = details.history.attempts;
    this.requestMayHaveBeenProcessed =
      details.requestMayHaveBeenProcessed || details.history.earlierAttemptMayHaveApplied;
  }
}
