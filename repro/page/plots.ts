import type { TopLevelSpec } from 'vega-lite';

/** One plotted value: a mean with its 95% interval (absent for a single value or a published number). */
export interface PlotPoint {
  /** The x value: a category or a number. */
  x: string | number;
  /** The mean. */
  y: number;
  /** The interval's low end. */
  low?: number;
  /** The interval's high end. */
  high?: number;
  /** The series (colour): `kdlab`, `paper`, `width 800`, ... */
  series: string;
}

/** What a {@link intervalPlot} shows. */
export interface IntervalPlotOptions {
  /** The plot's title. */
  title: string;
  /** The x axis title. */
  xTitle: string;
  /** The y axis title. */
  yTitle: string;
  /** Numeric x on a log scale (e.g. temperatures); otherwise x is a category in the order given. */
  logX?: boolean;
  /** Join each series' points with a line (for a numeric x). */
  lines?: boolean;
  /** Horizontal reference lines, each labelled. */
  rules?: readonly { y: number; label: string }[];
}

const SIZE = { width: 460, height: 260 };

/**
 * A Vega-Lite spec of means with 95% error bars by series (side by side for a categorical x), and
 * labelled horizontal reference lines. The data are inline, so the spec renders without a network.
 */
export function intervalPlot(points: readonly PlotPoint[], options: IntervalPlotOptions): TopLevelSpec {
  const numeric = points.every((point) => typeof point.x === 'number');
  const categories = [...new Set(points.map((point) => String(point.x)))];
  const xValues = [...new Set(points.map((point) => point.x))].filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const x = numeric
    ? { field: 'x', type: 'quantitative' as const, title: options.xTitle, scale: { type: options.logX ? ('log' as const) : ('linear' as const), nice: false, padding: 20 }, axis: { values: xValues } }
    : { field: 'x', type: 'nominal' as const, title: options.xTitle, sort: categories, axis: { labelAngle: 0, labelLimit: 140 } };
  const offset = numeric ? {} : { xOffset: { field: 'series', type: 'nominal' as const } };
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: [...new Set(points.map((point) => point.series))] };
  const y = { field: 'y', type: 'quantitative' as const, title: options.yTitle, scale: { zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    ...SIZE,
    data: { values: points.map((point) => ({ ...point, x: numeric ? point.x : String(point.x) })) },
    layer: [
      { mark: { type: options.lines && numeric ? 'line' : 'point', point: options.lines && numeric ? true : undefined, filled: true, size: 60 }, encoding: { x, y, color, ...offset } },
      { transform: [{ filter: 'isValid(datum.low)' }], mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'low', type: 'quantitative', title: options.yTitle }, y2: { field: 'high' }, color, ...offset } },
      ...(options.rules ?? []).flatMap((rule) => [
        { data: { values: [rule] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        { data: { values: [rule] }, mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#555', fontSize: 10 }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } } },
      ]),
    ],
  };
  return spec as unknown as TopLevelSpec;
}
