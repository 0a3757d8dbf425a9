/**
 * `@kdlab/report`: reading finished runs back from a local MLflow store or a tracking server, comparing distilled students with their baselines and teachers over seeds (t intervals, paired t-tests, gap recovered, retention, compression, speed-up), and writing the comparison as a table, Markdown, CSV, JSON or a self-contained HTML report with plots.
 *
 * @packageDocumentation
 */
export * from './statistics/interval.js';
export * from './statistics/log-gamma.js';
export * from './statistics/regularized-incomplete-beta.js';
export * from './statistics/student-t-distribution.js';
export * from './statistics/sample-mean.js';
export * from './statistics/sample-standard-deviation.js';
export * from './statistics/summarize-sample.js';
export * from './statistics/paired-t-test.js';
// Runs
export * from './runs/stored-run.js';
export * from './runs/run-source.js';
export * from './runs/latest-metric-value.js';
export * from './runs/local-run-source.js';
export * from './runs/server-run-source.js';
export * from './runs/open-run-source.js';
export * from './runs/load-linked-runs.js';
// Comparison
export * from './comparison/comparison.js';
export * from './comparison/kdlab-run-tags.js';
export * from './comparison/metric-keys.js';
export * from './comparison/compare-param-values.js';
export * from './comparison/link-reference-runs.js';
export * from './comparison/grouping-paths.js';
export * from './comparison/group-runs.js';
export * from './comparison/optional-summary.js';
export * from './comparison/summarize-group.js';
export * from './comparison/reference-rows.js';
export * from './comparison/training-curves.js';
export * from './comparison/build-comparison.js';
// Output
export * from './format/comparison-format.js';
export * from './format/format-values.js';
export * from './format/table-spec.js';
export * from './format/comparison-tables.js';
export * from './format/render-text-table.js';
export * from './format/render-markdown-table.js';
export * from './format/format-comparison-text.js';
export * from './format/format-comparison-csv.js';
export * from './format/format-comparison-json.js';
export * from './format/render-comparison.js';
export * from './html/escape-html.js';
export * from './html/render-vega-lite-svg.js';
export * from './html/plot-data.js';
export * from './html/plot-specs.js';
export * from './html/render-html-table.js';
export * from './html/render-html-report.js';
