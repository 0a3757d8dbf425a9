import type { Interval } from '../statistics/interval.js';
import type { SampleSummary } from '../statistics/summarize-sample.js';

/** What an empty cell shows. */
export const EMPTY_CELL = '-';

/**
 * A metric value with a fixed number of decimals; `-` when undefined.
 *
 * @param value - The value.
 * @param decimals - Decimals; default 4.
 */
export function formatValue(value: number | undefined, decimals = 4): string {
  return value === undefined ? EMPTY_CELL : value.toFixed(decimals);
}

/**
 * A difference with its sign always shown (`+0.0082`, `-0.0010`); `-` when undefined.
 *
 * @param value - The difference.
 * @param decimals - Decimals; default 4.
 */
export function formatSigned(value: number | undefined, decimals = 4): string {
  if (value === undefined) return EMPTY_CELL;
  const text = value.toFixed(decimals);
  return value > 0 || (value === 0 && !text.startsWith('-')) ? `+${text}` : text;
}

/**
 * An interval as `[low, high]`.
 *
 * @param interval - The interval.
 * @param format - How each end is written.
 */
export function formatInterval(interval: Interval, format: (value: number) => string = (value) => formatValue(value)): string {
  return `[${format(interval.low)}, ${format(interval.high)}]`;
}

/**
 * The interval of a summary, or why there is none (`n/a (n=1)`), or `-` without a summary.
 *
 * @param summary - A summary with an optional `ci` and its `n`.
 * @param format - How each end is written.
 */
export function formatSummaryInterval(summary: Pick<SampleSummary, 'n' | 'ci'> | undefined, format?: (value: number) => string): string {
  if (summary === undefined) return EMPTY_CELL;
  if (summary.ci === undefined) return `n/a (n=${summary.n})`;
  return formatInterval(summary.ci, format);
}

/**
 * A p-value: four decimals, `<0.0001` below that; `-` when undefined.
 *
 * @param p - The p-value.
 */
export function formatPValue(p: number | undefined): string {
  if (p === undefined) return EMPTY_CELL;
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

/**
 * A ratio as a percentage with one decimal (`98.6%`); `-` when undefined.
 *
 * @param ratio - The ratio.
 */
export function formatPercent(ratio: number | undefined): string {
  return ratio === undefined ? EMPTY_CELL : `${(ratio * 100).toFixed(1)}%`;
}

/**
 * A factor with two decimals and an `x` (`4.00x`); `-` when undefined.
 *
 * @param factor - The factor.
 */
export function formatFactor(factor: number | undefined): string {
  return factor === undefined ? EMPTY_CELL : `${factor.toFixed(2)}x`;
}

/**
 * The confidence level as a percentage label, `95%`.
 *
 * @param level - The level, e.g. 0.95.
 */
export function formatLevel(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`;
}
