export { MlflowError } from './mlflow-error.js';
export type { RequestTarget, AttemptHistory } from './request-target.js';
export {
  MlflowApiError,
  ResourceDoesNotExistError,
  ResourceAlreadyExistsError,
  InvalidParameterValueError,
  BadRequestError,
  UnauthenticatedError,
  PermissionDeniedError,
  RequestLimitExceededError,
  InternalServerError,
  TemporarilyUnavailableError,
  createApiError,
  type ApiErrorDetails,
} from './api-errors.js';
export { MlflowHttpError, MAX_EXCERPT_LENGTH, excerptOfBody, type HttpErrorDetails } from './http-error.js';
export { MlflowConnectionError, type ConnectionErrorDetails } from './connection-error.js';
export { MlflowValidationError } from './validation-error.js';
export { MlflowResponseError } from './response-error.js';
export { MlflowConfigError } from './config-error.js';
