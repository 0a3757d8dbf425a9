import type { Comparison } from '../comparison/comparison.js';
import { COMPARISON_RENDERERS, type ComparisonFormat } from './comparison-format.js';

/**
 * The comparison in one of the output formats.
 *
 * @param comparison - The comparison.
 * @param format - `table`, `markdown`, `csv`, `json` or `html` (see {@link COMPARISON_RENDERERS}).
 */
export async function renderComparison(comparison: Comparison, format: ComparisonFormat): Promise<string> {
  return COMPARISON_RENDERERS[format](comparison);
}
