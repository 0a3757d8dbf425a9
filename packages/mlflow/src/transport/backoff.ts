import type { RetryOptions } from '../config/client-options.js';

/**
 * The wait before retry number `attempt` (1 after the first failure): `initialDelayMs * multiplier^(attempt-1)`,
 * capped at `maxDelayMs`, minus a random share of up to `jitter`. A server's `Retry-After` raises it (still capped).
 */
export function backoffDelayMs(
  attempt: number,
  options: RetryOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** (attempt - 1));
  const jittered = exponential * (1 - options.jitter * random());
  const wanted = retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
  return Math.round(Math.min(options.maxDelayMs, wanted));
}

/** Reads a `Retry-After` header (seconds, or an HTTP date) as milliseconds from `now`; `undefined` when absent or unreadable. */
export function parseRetryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
