/** One column of a report table. */
export interface TableColumn {
  /** The header text. */
  header: string;
  /** Numbers are right-aligned, text left-aligned. */
  align: 'left' | 'right';
}

/** One row of a report table. */
export interface TableRow {
  /** One formatted cell per column. */
  cells: string[];
  /** How many leading columns the first cell spans (its label covers the grouping columns); default 1. */
  leadSpan?: number;
}

/** A table of formatted cells, rendered as text, Markdown or HTML. */
export interface TableSpec {
  /** A title line above the table. */
  title: string;
  /** The columns. */
  columns: TableColumn[];
  /** The rows. With a `leadSpan` of k, cells 1..k-1 are empty and covered by the first. */
  rows: TableRow[];
  /** Row indexes before which a separator is drawn (e.g. before the reference rows). */
  separatorsBefore: number[];
}
