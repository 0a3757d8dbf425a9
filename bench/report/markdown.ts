/** A markdown table: a header row, an alignment row (text left, numbers right) and the rows. */
export function markdownTable(header: string[], rows: string[][], numericColumns: readonly number[] = []): string {
  const align = header.map((_, index) => (numericColumns.includes(index) ? '---:' : '---'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A number with `digits` decimals, or `-` when there is none. */
export function fixed(value: number | undefined, digits = 0): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** KiB as MiB, or `-`. */
export function mebibytes(kib: number | undefined): string {
  return kib === undefined ? '-' : (kib / 1024).toFixed(0);
}

/** `0.42x`, or `-`. */
export function ratio(numerator: number | undefined, denominator: number | undefined): string {
  return numerator === undefined || denominator === undefined || denominator === 0 ? '-' : `${(numerator / denominator).toFixed(2)}x`;
}
