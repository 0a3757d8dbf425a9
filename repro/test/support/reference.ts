// Independent reference computations for the results-page tests: plain arithmetic and t quantiles
// taken from scipy, never kdlab's own statistics.

/** t quantiles at 0.975 by degrees of freedom (scipy.stats.t.ppf(0.975, df)). */
export const T975: Readonly<Record<number, number>> = { 1: 12.706204736174694, 2: 4.302652729749464, 3: 3.1824463052837078, 4: 2.7764451051977987 };

/** The arithmetic mean. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The sample standard deviation (divisor n - 1). */
export function sd(values: readonly number[]): number {
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** Mean and 95% t-interval of a sample of 2 to 5 values. */
export function interval(values: readonly number[]): { mean: number; low: number; high: number } {
  const t = T975[values.length - 1];
  if (t === undefined) throw new Error(`no t quantile for n = ${values.length}`);
  const m = mean(values);
  const half = (t * sd(values)) / Math.sqrt(values.length);
  return { mean: m, low: m - half, high: m + half };
}

/**
 * The two-sided p-value of Student's t with 1, 2 or 4 degrees of freedom, from closed forms of the CDF
 * (df 1, the Cauchy distribution: p = 1 - (2 / pi) atan |t|; for even df, a = t / sqrt(df + t^2):
 * df 2: p = 1 - |a|; df 4: p = 1 - |a| (1 + (1 - a^2) / 2)).
 */
export function twoSidedP(t: number, df: number): number {
  if (df === 1) return 1 - (2 / Math.PI) * Math.atan(Math.abs(t));
  const a = Math.abs(t) / Math.sqrt(df + t * t);
  if (df === 2) return 1 - a;
  if (df === 4) return 1 - a * (1 + (1 - a * a) / 2);
  throw new Error(`no closed form for df = ${df}`);
}

/** Element-wise `a - b`. */
export function minus(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v - b[i]!);
}

/** `mean [low, high]` as the page writes a summary. */
export function summaryText(values: readonly number[], decimals = 1): string {
  if (values.length === 1) return values[0]!.toFixed(decimals);
  const { mean: m, low, high } = interval(values);
  return `${m.toFixed(decimals)} [${low.toFixed(decimals)}, ${high.toFixed(decimals)}]`;
}

/** `+mean [low, high], p = 0.012` as the page writes a paired difference `treated - control`. */
export function differenceText(treated: readonly number[], control: readonly number[], decimals = 1): string {
  const d = minus(treated, control);
  const { mean: m, low, high } = interval(d);
  const signed = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(decimals)}`;
  const t = m / (sd(d) / Math.sqrt(d.length));
  const p = twoSidedP(t, d.length - 1);
  return `${signed(m)} [${signed(low)}, ${signed(high)}], p = ${p < 0.001 ? '< 0.001' : p.toPrecision(2)}`;
}

/** The table's cell at a row whose first cell is `first`, in the column headed `header`. */
export function cell(table: { columns: readonly { header: string }[]; rows: readonly { cells: readonly string[] }[] }, first: string | ((firstCell: string, cells: readonly string[]) => boolean), header: string): string {
  const column = table.columns.findIndex((c) => c.header === header);
  if (column < 0) throw new Error(`no column '${header}' in ${table.columns.map((c) => c.header).join(', ')}`);
  const row = table.rows.find((r) => (typeof first === 'string' ? r.cells[0] === first : first(r.cells[0]!, r.cells)));
  if (row === undefined) throw new Error(`no row '${String(first)}' in ${table.rows.map((r) => r.cells[0]).join(', ')}`);
  return row.cells[column]!;
}
