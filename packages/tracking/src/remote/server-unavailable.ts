import { MlflowApiError, MlflowConnectionError, MlflowHttpError } from '@kdlab/mlflow';

/**
 * Whether a failed delivery means "try again later" rather than "this call is refused": no answer
 * (connection refused, reset, timed out), 5xx other than 501, 429 (all after the client's own
 * retries), and 401/403 (credentials that may be fixed before a later `kdlab sync`). Everything
 * else (other 4xx, validation errors) is a refusal of the call itself.
 *
 * @param error - What the delivery threw.
 */
export function isServerUnavailable(error: unknown): boolean {
  if (error instanceof MlflowConnectionError) return true;
  if (error instanceof MlflowApiError || error instanceof MlflowHttpError) {
    const status = error.status;
    return (status >= 500 && status !== 501) || status === 429 || status === 401 || status === 403;
  }
  return false;
}

/** One line describing an error for a warning (the client's messages carry no credentials). */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}
