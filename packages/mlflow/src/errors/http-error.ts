import { MlflowError } from './mlflow-error.js';
import { describeRequest, type AttemptHistory, type RequestTarget } from './request-target.js';

/** What came back when an error answer had no MLflow JSON body. */
export interface HttpErrorDetails {
  /** HTTP status, e.g. 405. */
  readonly status: number;
  /** The answer's Content-Type, when it had one. */
  readonly contentType: string | undefined;
  /** A short, tag-free excerpt of the body (at most {@link MAX_EXCERPT_LENGTH} characters). */
  readonly excerpt: string;
  /** The request that was answered. */
  readonly target: RequestTarget;
  /** How often it was tried. */
  readonly history: AttemptHistory;
}

/** Longest body excerpt an {@link MlflowHttpError} carries. */
export const MAX_EXCERPT_LENGTH = 200;

/**
 * An error answer whose body is not MLflow's JSON error: the HTML pages MLflow serves for a wrong method (405) or
 * an unknown path (404), a proxy's 502 page, a plain-text 500. Carries the status and a short text excerpt.
 */
export class MlflowHttpError extends MlflowError {
  override readonly name: string = 'MlflowHttpError';
  /** HTTP status. */
  readonly status: number;
  /** Content-Type of the answer, when it had one. */
  readonly contentType: string | undefined;
  /** Short tag-free excerpt of the body. */
  readonly excerpt: string;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Endpoint path of the failed request. */
  readonly endpoint: string;
  /** Number of attempts made. */
  readonly attempts: number;
  /** True when an earlier attempt of the same request may have been applied. */
  readonly earlierAttemptMayHaveApplied: boolean;

  /** @param details - the answer and the request it answered */
  constructor(details: HttpErrorDetails) {
    super(
      `MLflow ${describeRequest(details.target, details.history)} failed with HTTP ${details.status} ` +
        `(${details.contentType ?? 'no content type'}, not an MLflow JSON error): "${details.excerpt}"`,
    );
    this.status = details.status;
    this.contentType = details.contentType;
    this.excerpt = details.excerpt;
    this.method = details.target.method;
    this.endpoint = details.target.endpoint;
    this.attempts = details.history.attempts;
    this.earlierAttemptMayHaveApplied = details.history.earlierAttemptMayHaveApplied;
  }
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Turns an HTML or text body into one short line: tags dropped, common entities decoded, whitespace collapsed. */
export function excerptOfBody(body: string, maxLength: number = MAX_EXCERPT_LENGTH): string {
  const text = body
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_match, entity: string) => HTML_ENTITIES[entity] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
