import type { TableSpec } from './table-spec.js';

function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Renders a table as GitHub-flavoured Markdown: the title in bold, then the table with its
 * alignment row (separators are not drawn and spanning cells are not merged: Markdown tables
 * have neither).
 *
 * @param table - The table.
 */
export function renderMarkdownTable(table: TableSpec): string {
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `**${escapeCell(table.title)}**`,
    '',
    row(table.columns.map((column) => column.header)),
    `|${table.columns.map((column) => (column.align === 'right' ? ' ---: ' : ' :--- ')).join('|')}|`,
    ...table.rows.map((tableRow) => row(tableRow.cells)),
  ].join('\n');
}
