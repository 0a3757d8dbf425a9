/** Which request an error belongs to: the HTTP method and the endpoint path (no host, no query, no credentials). */
export interface RequestTarget {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path on the tracking server, e.g. `/api/2.0/mlflow/runs/log-batch`. */
  readonly endpoint: string;
}

/** How often a request was tried before the error was thrown, and whether an earlier try may already have taken effect. */
export interface AttemptHistory {
  /** Number of attempts made, the failing one included (1 when it was not retried). */
  readonly attempts: number;
  /**
   * True when an earlier attempt failed in a way that leaves its outcome unknown (the connection broke after the
   * request was sent, or a proxy answered 5xx without an MLflow error body): the server may have applied it.
   */
  readonly earlierAttemptMayHaveApplied: boolean;
}

/** The attempt history of a request that was sent once and not retried. */
export const SINGLE_ATTEMPT: AttemptHistory = { attempts: 1, earlierAttemptMayHaveApplied: false };

/** Formats `POST /api/2.0/mlflow/runs/create` and, when retried, ` (after 3 attempts)`. */
export function describeRequest(target: RequestTarget, history: AttemptHistory): string {
  const retried = history.attempts > 1 ? ` (after ${history.attempts} attempts)` : '';
  return `${target.method} ${target.endpoint}${retried}`;
}
