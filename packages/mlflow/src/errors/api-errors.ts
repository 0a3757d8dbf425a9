import { MlflowError } from './mlflow-error.js';
import { describeRequest, type AttemptHistory, type RequestTarget } from './request-target.js';

/** What the server said in a JSON error answer, plus the request it answered. */
export interface ApiErrorDetails {
  /** HTTP status, e.g. 400. */
  readonly status: number;
  /** MLflow's `error_code`, e.g. `RESOURCE_DOES_NOT_EXIST`. */
  readonly errorCode: string;
  /** MLflow's `message`, meant for people (never match on it). */
  readonly serverMessage: string;
  /** The request that was answered. */
  readonly target: RequestTarget;
  /** How often it was tried. */
  readonly history: AttemptHistory;
}

/**
 * The tracking server answered with a JSON error body `{"error_code", "message"}`. Match on {@link errorCode} and
 * {@link status} (or on the subclass), never on the message text: MLflow builds some messages from unordered sets or
 * SQL text.
 */
export class MlflowApiError extends MlflowError {
  override readonly name: string = 'MlflowApiError';
  /** HTTP status, e.g. 400. */
  readonly status: number;
  /** MLflow's `error_code`, e.g. `INVALID_PARAMETER_VALUE`. */
  readonly errorCode: string;
  /** The server's own message. */
  readonly serverMessage: string;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Endpoint path of the failed request. */
  readonly endpoint: string;
  /** Number of attempts made. */
  readonly attempts: number;
  /** True when an earlier attempt of the same request may have been applied (see {@link AttemptHistory}). */
  readonly earlierAttemptMayHaveApplied: boolean;

  /** @param details - the server's answer and the request it answered */
  constructor(details: ApiErrorDetails) {
    super(
      `MLflow ${describeRequest(details.target, details.history)} failed with ${details.status} ` +
        `${details.errorCode}: ${details.serverMessage}`,
    );
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.serverMessage = details.serverMessage;
    this.method = details.target.method;
    this.endpoint = details.target.endpoint;
    this.attempts = details.history.attempts;
    this.earlierAttemptMayHaveApplied = details.history.earlierAttemptMayHaveApplied;
  }
}

/** `RESOURCE_DOES_NOT_EXIST` (404): no experiment, run, tag or artifact by that id or name. */
export class ResourceDoesNotExistError extends MlflowApiError {
  override readonly name: string = 'ResourceDoesNotExistError';
}

/** `RESOURCE_ALREADY_EXISTS` (400): e.g. an experiment with that name exists. */
export class ResourceAlreadyExistsError extends MlflowApiError {
  override readonly name: string = 'ResourceAlreadyExistsError';
}

/** `INVALID_PARAMETER_VALUE` (400): a bad key, a changed param, a bad filter, a missing Content-Type, ... */
export class InvalidParameterValueError extends MlflowApiError {
  override readonly name: string = 'InvalidParameterValueError';
}

/** `BAD_REQUEST` (400): e.g. a store integrity error such as a re-sent NaN metric. */
export class BadRequestError extends MlflowApiError {
  override readonly name: string = 'BadRequestError';
}

/** `UNAUTHENTICATED` (401): missing or wrong credentials. */
export class UnauthenticatedError extends MlflowApiError {
  override readonly name: string = 'UnauthenticatedError';
}

/** `PERMISSION_DENIED` (403): the credentials may not do this. */
export class PermissionDeniedError extends MlflowApiError {
  override readonly name: string = 'PermissionDeniedError';
}

/** `REQUEST_LIMIT_EXCEEDED` or `RESOURCE_EXHAUSTED` (429): slow down (retried automatically). */
export class RequestLimitExceededError extends MlflowApiError {
  override readonly name: string = 'RequestLimitExceededError';
}

/** `INTERNAL_ERROR` and other 5xx codes: the server failed (retried automatically). */
export class InternalServerError extends MlflowApiError {
  override readonly name: string = 'InternalServerError';
}

/** `TEMPORARILY_UNAVAILABLE` (503): retried automatically. */
export class TemporarilyUnavailableError extends MlflowApiError {
  override readonly name: string = 'TemporarilyUnavailableError';
}

const ERROR_CLASS_BY_CODE: Readonly<Record<string, new (details: ApiErrorDetails) => MlflowApiError>> = {
  RESOURCE_DOES_NOT_EXIST: ResourceDoesNotExistError,
  RESOURCE_ALREADY_EXISTS: ResourceAlreadyExistsError,
  INVALID_PARAMETER_VALUE: InvalidParameterValueError,
  BAD_REQUEST: BadRequestError,
  UNAUTHENTICATED: UnauthenticatedError,
  PERMISSION_DENIED: PermissionDeniedError,
  REQUEST_LIMIT_EXCEEDED: RequestLimitExceededError,
  RESOURCE_EXHAUSTED: RequestLimitExceededError,
  INTERNAL_ERROR: InternalServerError,
  TEMPORARILY_UNAVAILABLE: TemporarilyUnavailableError,
};

/** Builds the error class that matches `details.errorCode` (a plain {@link MlflowApiError} for codes without one). */
export function createApiError(details: ApiErrorDetails): MlflowApiError {
  const ErrorClass = Object.hasOwn(ERROR_CLASS_BY_CODE, details.errorCode)
    ? ERROR_CLASS_BY_CODE[details.errorCode]
    : undefined;
  if (ErrorClass !== undefined) return new ErrorClass(details);
  return details.status >= 500 ? new InternalServerError(details) : new MlflowApiError(details);
}
