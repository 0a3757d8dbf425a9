import type { TableSpec } from '@kdlab/report';

/** A Markdown-ready table from a title, headers (a `>` prefix right-aligns a column) and rows of cells. */
export function table(title: string, headers: readonly string[], rows: readonly (readonly string[])[]): TableSpec {
  return {
    title,
    columns: headers.map((header) => (header.startsWith('>') ? { header: header.slice(1), align: 'right' as const } : { header, align: 'left' as const })),
    rows: rows.map((cells) => ({ cells: [...cells] })),
    separatorsBefore: [],
  };
}

/** An integer with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A fraction as a percentage with one decimal (`0.4732` -> `47.3%`). */
export function percent(value: number, decimals = 1): string {
  return `${(value * 100).toFixed(decimals)}%`;
}
