import type { Comparison } from '../comparison/comparison.js';
import { renderHtmlReport } from '../html/render-html-report.js';
import { formatComparisonCsv } from './format-comparison-csv.js';
import { formatComparisonJson } from './format-comparison-json.js';
import { formatComparisonMarkdown, formatComparisonTable } from './format-comparison-text.js';

/**
 * The output formats of `kdlab compare`, each with the function that writes a comparison in it. A new
 * format is one file (`format-comparison-<name>.ts`) and one line here; `--format` offers every key.
 */
export const COMPARISON_RENDERERS = {
  /** A plain-text table for the terminal. */
  table: formatComparisonTable,
  /** Markdown tables, for a results page or an issue. */
  markdown: formatComparisonMarkdown,
  /** One row per group and quantity, for a spreadsheet or R. */
  csv: formatComparisonCsv,
  /** The whole comparison as JSON. */
  json: formatComparisonJson,
  /** A self-contained HTML report with plots. */
  html: renderHtmlReport,
} as const satisfies Record<string, (comparison: Comparison) => string | Promise<string>>;

/** One output format of `kdlab compare`. */
export type ComparisonFormat = keyof typeof COMPARISON_RENDERERS;

/** The output formats of `kdlab compare`, in the order `--help` lists them. */
export const COMPARISON_FORMATS = Object.keys(COMPARISON_RENDERERS) as readonly ComparisonFormat[];
