import type { Comparison } from '../comparison/comparison.js';

/**
 * The comparison as indented JSON: the {@link Comparison} object itself. JSON has no infinities,
 * so a t statistic of ±Infinity (equal non-zero differences) is written as the string
 * `"Infinity"` / `"-Infinity"`.
 *
 * @param comparison - The comparison.
 */
export function formatComparisonJson(comparison: Comparison): string {
  const json = JSON.stringify(
    comparison,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    2,
  );
  return `${json}\n`;
}
