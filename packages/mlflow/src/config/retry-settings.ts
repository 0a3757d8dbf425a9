import { MlflowConfigError } from '../errors/config-error.js';
import type { RetryOptions } from './client-options.js';

/** The retry settings used when none are given. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 250,
  maxDelayMs: 8000,
  multiplier: 2,
  jitter: 0.5,
};

/** Merges retry options over the defaults (`false` means one attempt) and checks each value. */
export function resolveRetryOptions(retry: Partial<RetryOptions> | false | undefined): RetryOptions {
  if (retry === false) return { ...DEFAULT_RETRY_OPTIONS, maxAttempts: 1 };
  const merged: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...retry };
  if (!Number.isSafeInteger(merged.maxAttempts) || merged.maxAttempts < 1) {
    throw new MlflowConfigError('retry.maxAttempts', `expected an integer >= 1, got ${merged.maxAttempts}`);
  }
  for (const field of ['initialDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(merged[field]) || merged[field] < 0) {
      throw new MlflowConfigError(`retry.${field}`, `expected a finite number >= 0, got ${merged[field]}`);
    }
  }
  if (!Number.isFinite(merged.multiplier) || merged.multiplier < 1) {
    throw new MlflowConfigError('retry.multiplier', `expected a finite number >= 1, got ${merged.multiplier}`);
  }
  if (!(merged.jitter >= 0 && merged.jitter <= 1)) {
    throw new MlflowConfigError('retry.jitter', `expected a number in [0, 1], got ${merged.jitter}`);
  }
  return merged;
}
