import { setTimeout as sleepFor } from 'node:timers/promises';
import type { RetryEvent, RetryOptions } from '../config/client-options.js';
import { MlflowApiError } from '../errors/api-errors.js';
import { MlflowConnectionError } from '../errors/connection-error.js';
import type { MlflowHttpError } from '../errors/http-error.js';
import type { AttemptHistory, RequestTarget } from '../errors/request-target.js';
import { backoffDelayMs, parseRetryAfterMs } from './backoff.js';
import { errorFromResponse } from './error-from-response.js';
import { headerValue, type HttpExchangeRequest, type HttpExchangeResponse } from './http-exchange.js';
import type { HttpTransport } from './http-transport.js';
import { classifyNetworkFailure } from './network-failure.js';

/** One API call: the request, how to read its success answer, and whether it is safe to repeat. */
export interface ApiCall<T> extends HttpExchangeRequest {
  /**
   * True when repeating the request cannot change the outcome (log calls with fixed timestamps, gets, updates,
   * artifact PUTs, experiment creation, whose names are unique). False for `runs/create`, which would make a second run.
   */
  readonly idempotent: boolean;
  /** Reads a 2xx answer. */
  readonly decode: (response: HttpExchangeResponse) => T;
  /**
   * For a non-idempotent call whose attempt failed with an unknown outcome: looks for what that attempt may have
   * created and returns it, or `undefined` when it did not happen (then the call is sent again). When it throws, the
   * outcome stays unknown and the attempt's error is thrown.
   */
  readonly recover?: () => Promise<T | undefined>;
}

/** A successful attempt and its decoded answer. */
interface SucceededAttempt<T> {
  readonly succeeded: true;
  readonly value: T;
}

/** What one failed attempt means for the next. */
interface FailedAttempt {
  readonly succeeded: false;
  readonly error: MlflowApiError | MlflowHttpError | MlflowConnectionError;
  readonly retriable: boolean;
  readonly outcomeUnknown: boolean;
  readonly reason: string;
  readonly retryAfterMs: number | undefined;
}

/** 429 and 5xx are retried, except 501 Not Implemented, which never changes. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * Sends API calls with retries: exponential back-off with jitter on connection failures, 429 and 5xx, never on other
 * 4xx. A non-idempotent call is repeated only when the failed attempt certainly did not take effect (the connection
 * was refused, or the server answered 429, 503 or an MLflow JSON 5xx error), or after its `recover` found nothing.
 */
export class RequestExecutor {
  readonly #transport: HttpTransport;
  readonly #retry: RetryOptions;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #random: () => number;

  /**
   * @param transport - sends single requests
   * @param retry - retry settings
   * @param onRetry - observer called before each retry
   * @param random - source of jitter in [0, 1)
   */
  constructor(
    transport: HttpTransport,
    retry: RetryOptions,
    onRetry?: (event: RetryEvent) => void,
    random: () => number = Math.random,
  ) {
    this.#transport = transport;
    this.#retry = retry;
    this.#onRetry = onRetry;
    this.#random = random;
  }

  /** Sends the call until it succeeds, fails for good, or runs out of attempts; throws a typed error then. */
  async execute<T>(call: ApiCall<T>): Promise<T> {
    const target: RequestTarget = { method: call.method, endpoint: call.path };
    let earlierAttemptMayHaveApplied = false;
    for (let attempt = 1; ; attempt += 1) {
      const history: AttemptHistory = { attempts: attempt, earlierAttemptMayHaveApplied };
      const failed = await this.#attempt(call, target, history);
      if (failed.succeeded) return failed.value;
      if (failed.outcomeUnknown && !call.idempotent && call.recover !== undefined) {
        const recovered = await this.#recover(call.recover, failed);
        if (recovered !== undefined) return recovered;
      }
      const mayRepeat = call.idempotent || !failed.outcomeUnknown || call.recover !== undefined;
      if (!failed.retriable || !mayRepeat || attempt >= this.#retry.maxAttempts) throw failed.error;
      earlierAttemptMayHaveApplied ||= failed.outcomeUnknown;
      const delayMs = backoffDelayMs(attempt, this.#retry, failed.retryAfterMs, this.#random);
      this.#onRetry?.({ method: call.method, endpoint: call.path, attempt, delayMs, reason: failed.reason });
      await sleepFor(delayMs);
    }
  }

  /** Runs `recover`; when it cannot tell (it fails itself), the unknown outcome is reported as the original error. */
  async #recover<T>(recover: () => Promise<T | undefined>, failed: FailedAttempt): Promise<T | undefined> {
    try {
      return await recover();
    } catch {
      throw failed.error;
    }
  }

  async #attempt<T>(
    call: ApiCall<T>,
    target: RequestTarget,
    history: AttemptHistory,
  ): Promise<SucceededAttempt<T> | FailedAttempt> {
    let response: HttpExchangeResponse;
    try {
      response = await this.#transport.exchange(call);
    } catch (thrown) {
      return this.#networkFailure(thrown, target, history);
    }
    if (response.status >= 200 && response.status < 300) return { succeeded: true, value: call.decode(response) };
    return this.#statusFailure(response, target, history);
  }

  #networkFailure(thrown: unknown, target: RequestTarget, history: AttemptHistory): FailedAttempt {
    const failure = classifyNetworkFailure(thrown);
    if (failure === undefined) throw thrown;
    return {
      succeeded: false,
      error: new MlflowConnectionError({
        target,
        history,
        code: failure.code,
        requestMayHaveBeenProcessed: !failure.beforeSend,
        cause: thrown,
      }),
      retriable: failure.transient,
      outcomeUnknown: !failure.beforeSend,
      reason: failure.code,
      retryAfterMs: undefined,
    };
  }

  #statusFailure(response: HttpExchangeResponse, target: RequestTarget, history: AttemptHistory): FailedAttempt {
    const error = errorFromResponse(response, target, history);
    const answeredByMlflow = error instanceof MlflowApiError;
    return {
      succeeded: false,
      error,
      retriable: isRetriableStatus(response.status),
      outcomeUnknown: response.status >= 500 && response.status !== 503 && !answeredByMlflow,
      reason: `HTTP ${response.status}${answeredByMlflow ? ` ${error.errorCode}` : ''}`,
      retryAfterMs: parseRetryAfterMs(headerValue(response, 'retry-after')),
    };
  }
}
