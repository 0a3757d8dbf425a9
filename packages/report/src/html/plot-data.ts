import type { Comparison, GroupComparison } from '../comparison/comparison.js';
import type { SampleSummary } from '../statistics/summarize-sample.js';

/** One mark of a metric plot: a group's mean with its interval, or a reference value. */
export interface MetricPlotDatum {
  /** The swept value: a number on a numeric axis, the param text otherwise. */
  x: number | string;
  /** The other grouping values (`student.model.hidden=[30]`), or `distilled` when there are none. */
  series: string;
  /** `distilled`, or the reference drawn as a dashed line: `baseline` or `teacher`. */
  kind: 'distilled' | 'baseline' | 'teacher';
  /** Mean over seeds. */
  mean: number;
  /** Lower end of the interval (distilled only, absent when n = 1). */
  low?: number;
  /** Upper end of the interval. */
  high?: number;
  /** Number of seeds. */
  n: number;
}

/** A quantity plotted against the swept values. */
export interface PlottedQuantity {
  /** Axis title, e.g. `test/accuracy` or `Δ vs baseline`. */
  title: string;
  /** Its summary in a group. */
  ofGroup: (group: GroupComparison) => Pick<SampleSummary, 'mean' | 'ci' | 'n'> | undefined;
  /** Its reference value for a group and a reference role, when it has reference lines. */
  ofReference?: (comparison: Comparison, group: GroupComparison, role: 'baseline' | 'teacher') => number | undefined;
  /** Horizontal rules drawn at these values (0 for differences; 0 and 1 for gap recovered). */
  rules?: number[];
}

/**
 * Whether every value of a grouping path is a number (then the axis is numeric).
 *
 * @param comparison - The comparison.
 * @param path - The grouping path.
 */
export function isNumericPath(comparison: Comparison, path: string): boolean {
  return comparison.groups.every((group) => {
    const value = group.values[path];
    return value !== undefined && value.trim() !== '' && Number.isFinite(Number(value));
  });
}

/**
 * The marks of one plot: each group's quantity against the value of `path`, one series per
 * combination of the other grouping values, plus the reference values of each group.
 *
 * @param comparison - The comparison.
 * @param path - The swept path on the x axis.
 * @param quantity - What is plotted.
 */
export function metricPlotData(comparison: Comparison, path: string, quantity: PlottedQuantity): MetricPlotDatum[] {
  const numeric = isNumericPath(comparison, path);
  const others = comparison.by.filter((other) => other !== path);
  const data: MetricPlotDatum[] = [];
  for (const group of comparison.groups) {
    const text = group.values[path] ?? '(unset)';
    const x = numeric ? Number(text) : text;
    const series = others.length === 0 ? 'distilled' : others.map((other) => `${other}=${group.values[other] ?? '(unset)'}`).join(', ');
    const summary = quantity.ofGroup(group);
    if (summary !== undefined) {
      const datum: MetricPlotDatum = { x, series, kind: 'distilled', mean: summary.mean, n: summary.n };
      if (summary.ci !== undefined) Object.assign(datum, { low: summary.ci.low, high: summary.ci.high });
      data.push(datum);
    }
    for (const role of ['baseline', 'teacher'] as const) {
      const value = quantity.ofReference?.(comparison, group, role);
      if (value !== undefined) data.push({ x, series, kind: role, mean: value, n: 0 });
    }
  }
  return data;
}

/**
 * The quantities plotted against each swept value: the metric (last and best epoch, with the
 * baseline and teacher as reference lines), the difference from the baseline (rule at 0) and the
 * gap recovered (rules at 0, the baseline's level, and 1, the teacher's).
 *
 * @param comparison - The comparison.
 */
export function plottedQuantities(comparison: Comparison): PlottedQuantity[] {
  const reference = (field: 'last' | 'best') => (of: Comparison, group: GroupComparison, role: 'baseline' | 'teacher'): number | undefined =>
    of.references.find((row) => row.role === role && row.groupKeys.includes(group.key))?.[field]?.mean;
  const quantities: PlottedQuantity[] = [{ title: comparison.metric, ofGroup: (group) => group.last, ofReference: reference('last') }];
  if (comparison.bestMetric !== undefined) quantities.push({ title: comparison.bestMetric, ofGroup: (group) => group.best, ofReference: reference('best') });
  quantities.push({
    title: `Δ ${comparison.metric} vs baseline`,
    ofGroup: (group) => {
      const difference = group.differenceFromBaseline;
      return difference === undefined ? undefined : { mean: difference.meanDifference, n: difference.n, ...(difference.ci ? { ci: difference.ci } : {}) };
    },
    rules: [0],
  });
  quantities.push({ title: 'gap recovered', ofGroup: (group) => group.gapRecovered, rules: [0, 1] });
  return quantities;
}
