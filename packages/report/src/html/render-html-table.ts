import type { TableSpec } from '../format/table-spec.js';
import { escapeHtml } from './escape-html.js';

/**
 * Renders a table as an HTML `<table>` with a caption; rows after the first separator get the
 * `reference` class, and a first cell with a `leadSpan` becomes a `colspan`.
 *
 * @param table - The table.
 */
export function renderHtmlTable(table: TableSpec): string {
  const firstSeparator = table.separatorsBefore.length > 0 ? Math.min(...table.separatorsBefore) : Infinity;
  const cell = (tag: 'th' | 'td', text: string, align: 'left' | 'right'): string => `<${tag} class="${align}">${escapeHtml(text)}</${tag}>`;
  const header = `<tr>${table.columns.map((column) => cell('th', column.header, column.align)).join('')}</tr>`;
  const rows = table.rows.map((row, index) => {
    const classes = [index >= firstSeparator ? 'reference' : '', table.separatorsBefore.includes(index) ? 'separator' : ''].filter(Boolean).join(' ');
    const leadSpan = Math.max(1, row.leadSpan ?? 1);
    const lead = leadSpan > 1 ? `<td class="left" colspan="${leadSpan}">${escapeHtml(row.cells[0] ?? '')}</td>` : '';
    const rest = row.cells.map((text, i) => ({ text, i })).slice(leadSpan > 1 ? leadSpan : 0).map(({ text, i }) => cell('td', text, table.columns[i]!.align));
    return `<tr${classes ? ` class="${classes}"` : ''}>${lead}${rest.join('')}</tr>`;
  });
  return `<table>\n<caption>${escapeHtml(table.title)}</caption>\n<thead>${header}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}
