import type { Comparison } from '../comparison/comparison.js';
import { comparisonHeadline, comparisonNotes, distillationTable, metricTable } from './comparison-tables.js';
import { renderMarkdownTable } from './render-markdown-table.js';
import { renderTextTable } from './render-text-table.js';

/**
 * The comparison as the terminal shows it: a headline, the metric table, the distillation table
 * and the notes, as aligned plain text.
 *
 * @param comparison - The comparison.
 */
export function formatComparisonTable(comparison: Comparison): string {
  const notes = comparisonNotes(comparison);
  return [
    comparisonHeadline(comparison),
    '',
    renderTextTable(metricTable(comparison)),
    '',
    renderTextTable(distillationTable(comparison)),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `note: ${note}`)] : []),
    '',
  ].join('\n');
}

/**
 * The comparison as GitHub-flavoured Markdown: a heading, both tables and the notes as a list.
 *
 * @param comparison - The comparison.
 */
export function formatComparisonMarkdown(comparison: Comparison): string {
  const notes = comparisonNotes(comparison);
  return [
    `## kdlab compare: ${comparison.experimentName}`,
    '',
    comparisonHeadline(comparison),
    '',
    renderMarkdownTable(metricTable(comparison)),
    '',
    renderMarkdownTable(distillationTable(comparison)),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
    '',
  ].join('\n');
}
