import type { TableSpec } from './table-spec.js';

/**
 * Renders a table as aligned plain text: the title, the header, a rule, the rows (a rule before
 * each separator), columns two spaces apart, numbers right-aligned. A row's first cell with a
 * `leadSpan` is written across the columns it spans (they widen only if it does not fit).
 *
 * @param table - The table.
 */
export function renderTextTable(table: TableSpec): string {
  const gap = '  ';
  const span = (row: TableSpec['rows'][number]): number => Math.max(1, row.leadSpan ?? 1);
  const widths = table.columns.map((column, i) =>
    Math.max(column.header.length, ...table.rows.map((row) => (span(row) > 1 && i < span(row) ? 0 : (row.cells[i] ?? '').length))),
  );
  for (const row of table.rows) {
    const columns = span(row);
    if (columns === 1) continue;
    const available = widths.slice(0, columns).reduce((sum, width) => sum + width, 0) + gap.length * (columns - 1);
    const needed = (row.cells[0] ?? '').length;
    if (needed > available) widths[columns - 1]! += needed - available;
  }
  const line = (cells: readonly string[], leadSpan = 1): string => {
    const lead = leadSpan > 1 ? [(cells[0] ?? '').padEnd(widths.slice(0, leadSpan).reduce((sum, width) => sum + width, 0) + gap.length * (leadSpan - 1))] : [];
    const rest = cells
      .map((cell, i) => ({ cell, i }))
      .slice(leadSpan > 1 ? leadSpan : 0)
      .map(({ cell, i }) => (table.columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)));
    return [...lead, ...rest].join(gap).trimEnd();
  };
  const rule = widths.map((width) => '-'.repeat(width)).join(gap);
  const lines = [table.title, line(table.columns.map((column) => column.header)), rule];
  table.rows.forEach((row, index) => {
    if (table.separatorsBefore.includes(index)) lines.push(rule);
    lines.push(line(row.cells, span(row)));
  });
  return lines.join('\n');
}
