import { summarizeSample, type SampleSummary } from '../statistics/summarize-sample.js';

/**
 * Summarizes the defined values of a list, or gives `undefined` when none is defined.
 *
 * @param values - Values, some possibly undefined (a run that did not log a metric).
 * @param level - The confidence level.
 */
export function summarizeDefined(values: readonly (number | undefined)[], level: number): SampleSummary | undefined {
  const defined = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return defined.length === 0 ? undefined : summarizeSample(defined, level);
}
