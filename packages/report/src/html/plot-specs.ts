import type { TopLevelSpec } from 'vega-lite';
import type { Comparison } from '../comparison/comparison.js';
import { compareParamValues } from '../comparison/compare-param-values.js';
import { isNumericPath, metricPlotData, type PlottedQuantity } from './plot-data.js';

/** Plot size in pixels (the drawing area, without axes and legend). */
const PLOT_SIZE = { width: 340, height: 220 };

/** Legends go below the plot, one entry per line, labels never cut. */
const LEGEND = { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 0 };

/** Dash patterns of the reference lines. */
const REFERENCE_DASHES = { baseline: [6, 4], teacher: [2, 3] };

/**
 * A Vega-Lite spec of one quantity against one swept path: per series a line through the group
 * means with their confidence intervals as error bars, the baseline and teacher as dashed lines,
 * and horizontal rules where the quantity asks for them. A numeric path gets a numeric axis
 * (logarithmic when its positive values span a factor of 10 or more); others an ordered band axis.
 *
 * @param comparison - The comparison.
 * @param path - The swept path on the x axis.
 * @param quantity - What is plotted.
 */
export function metricPlotSpec(comparison: Comparison, path: string, quantity: PlottedQuantity): TopLevelSpec {
  const data = metricPlotData(comparison, path, quantity);
  const numeric = isNumericPath(comparison, path);
  const xValues = [...new Set(data.map((datum) => datum.x))];
  const numbers = xValues.filter((value): value is number => typeof value === 'number');
  const logScale = numeric && numbers.length > 1 && Math.min(...numbers) > 0 && Math.max(...numbers) / Math.min(...numbers) >= 10;
  const x = numeric
    ? { field: 'x', type: 'quantitative' as const, title: path, scale: { type: logScale ? ('log' as const) : ('linear' as const), zero: false, nice: false, padding: 24 }, axis: { values: numbers } }
    : { field: 'x', type: 'ordinal' as const, title: path, sort: [...xValues].map(String).sort(compareParamValues), axis: { labelAngle: 0 } };
  const y = { field: 'mean', type: 'quantitative' as const, title: quantity.title, scale: { zero: false } };
  const seriesOrder = [...new Set(data.map((datum) => datum.series))];
  const series = { field: 'series', type: 'nominal' as const, title: null, sort: seriesOrder, legend: comparison.by.length > 1 ? LEGEND : null };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${quantity.title} vs ${path}`,
    ...PLOT_SIZE,
    data: { values: data },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'distilled'" }],
        mark: { type: 'line', point: true },
        encoding: { x, y, color: series, tooltip: [{ field: 'mean', format: '.4f' }, { field: 'n' }] },
      },
      {
        transform: [{ filter: "datum.kind === 'distilled' && isValid(datum.low)" }],
        mark: { type: 'errorbar' },
        encoding: { x, y: { field: 'low', type: 'quantitative', title: quantity.title }, y2: { field: 'high' }, color: series },
      },
      ...(quantity.ofReference === undefined
        ? []
        : [
            {
              transform: [{ filter: "datum.kind !== 'distilled'" }],
              mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
              encoding: {
                x,
                y,
                detail: { field: 'series' },
                color: { value: '#555' },
                strokeDash: {
                  field: 'kind',
                  type: 'nominal',
                  title: null,
                  scale: { domain: ['baseline', 'teacher'], range: [REFERENCE_DASHES.baseline, REFERENCE_DASHES.teacher] },
                  legend: { ...LEGEND, symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 1.5 },
                },
              },
            },
          ]),
      ...(quantity.rules ?? []).map((value) => ({
        data: { values: [{ value }] },
        mark: { type: 'rule', color: '#999', strokeWidth: 1 },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      })),
    ],
  };
  return spec as TopLevelSpec;
}

/**
 * A Vega-Lite spec of the training curves: the per-epoch metric (mean over seeds) of each group,
 * solid, and of the teacher and baseline rows, dashed (their labels name them, so the dashes need
 * no legend of their own).
 *
 * @param comparison - The comparison.
 */
export function trainingCurvesSpec(comparison: Comparison): TopLevelSpec {
  const data = comparison.curves.flatMap((curve) => curve.points.map((point) => ({ label: curve.label, kind: curve.kind, epoch: point.epoch, mean: point.mean, n: point.n })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${comparison.curveMetric} by epoch (mean over seeds)`,
    width: 640,
    height: 300,
    data: { values: data },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'mean', type: 'quantitative', title: comparison.curveMetric, scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: null, sort: comparison.curves.map((curve) => curve.label), legend: { labelLimit: 0 } },
      strokeDash: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: ['distilled', 'baseline', 'teacher'], range: [[1, 0], REFERENCE_DASHES.baseline, REFERENCE_DASHES.teacher] },
        legend: null,
      },
      tooltip: [{ field: 'label' }, { field: 'epoch' }, { field: 'mean', format: '.4f' }, { field: 'n' }],
    },
  } as TopLevelSpec;
}
