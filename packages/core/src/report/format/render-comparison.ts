import type { Comparison } from '../comparison/comparison.js';
import { renderHtmlReport } from '../html/render-html-report.js';
import type { ComparisonFormat } from './comparison-format.js';
import { formatComparisonCsv } from './format-comparison-csv.js';
import { formatComparisonJson } from './format-comparison-json.js';
import { formatComparisonMarkdown, formatComparisonTable } from './format-comparison-text.js';

/**
 * The comparison in one of the output formats.
 *
 * @param comparison - The comparison.
 * @param format - `table`, `markdown`, `csv`, `json` or `html`.
 */
export async function renderComparison(comparison: Comparison, format: ComparisonFormat): Promise<string> {
  switch (format) {
    case 'table':
      return formatComparisonTable(comparison);
    case 'markdown':
      return formatComparisonMarkdown(comparison);
    case 'csv':
      return formatComparisonCsv(comparison);
    case 'json':
      return formatComparisonJson(comparison);
    case 'html':
      return renderHtmlReport(comparison);
  }
}
