import type { DatasetRequest } from '@kdlab/core';

/** How far the split fractions may sum from 1 (floating-point slack, e.g. `0.7 + 0.2 + 0.1`). */
export const SPLIT_SUM_TOLERANCE = 1e-6;

/**
 * Checks a {@link DatasetRequest}: each fraction finite and in `[0, 1]`, the three summing to 1
 * (within {@link SPLIT_SUM_TOLERANCE}), `seed` a finite number, and `limitTrain`, when given, a
 * positive integer. Errors name the dataset and the offending field.
 */
export function validateDatasetRequest(dataset: string, request: DatasetRequest): void {
  const { split } = request;
  for (const field of ['train', 'val', 'test'] as const) {
    const value = split[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new RangeError(`Dataset "${dataset}": split.${field} is ${String(value)}, expected a number in [0, 1]`);
    }
  }
  const sum = split.train + split.val + split.test;
  if (Math.abs(sum - 1) > SPLIT_SUM_TOLERANCE) {
    throw new RangeError(
      `Dataset "${dataset}": split.train + split.val + split.test = ${sum} (${split.train} + ${split.val} + ${split.test}), expected 1`,
    );
  }
  if (typeof request.seed !== 'number' || !Number.isFinite(request.seed)) {
    throw new RangeError(`Dataset "${dataset}": seed is ${String(request.seed)}, expected a finite number`);
  }
  const limit = request.limitTrain;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`Dataset "${dataset}": limitTrain is ${String(limit)}, expected a positive integer`);
  }
}
