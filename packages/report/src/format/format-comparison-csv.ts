import type { Comparison, GroupComparison, ReferenceRow } from '../comparison/comparison.js';
import type { SampleSummary } from '../statistics/summarize-sample.js';

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function summaryFields(summary: SampleSummary | undefined): (number | undefined)[] {
  return [summary?.mean, summary?.sd, summary?.ci?.low, summary?.ci?.high];
}

/**
 * The comparison as CSV (RFC 4180, `\n` line ends): one row per group, then the teacher and
 * baseline rows; numbers at full precision, empty fields where a value is undefined. Columns:
 * `row, label, <grouping paths>, n, mean, sd, ci_low, ci_high, best_mean, best_sd, best_ci_low,
 * best_ci_high, diff_n, diff_mean, diff_sd, diff_ci_low, diff_ci_high, diff_t, diff_p,
 * gap_recovered, accuracy_retention, compression_ratio, speedup, run_ids`.
 *
 * @param comparison - The comparison.
 */
export function formatComparisonCsv(comparison: Comparison): string {
  const header = [
    'row',
    'label',
    ...comparison.by,
    'n',
    'mean',
    'sd',
    'ci_low',
    'ci_high',
    'best_mean',
    'best_sd',
    'best_ci_low',
    'best_ci_high',
    'diff_n',
    'diff_mean',
    'diff_sd',
    'diff_ci_low',
    'diff_ci_high',
    'diff_t',
    'diff_p',
    'gap_recovered',
    'accuracy_retention',
    'compression_ratio',
    'speedup',
    'run_ids',
  ];
  const groupRow = (group: GroupComparison): (string | number | undefined)[] => {
    const difference = group.differenceFromBaseline;
    return [
      'distilled',
      group.key,
      ...comparison.by.map((path) => group.values[path]),
      group.runIds.length,
      ...summaryFields(group.last),
      ...summaryFields(group.best),
      difference?.n,
      difference?.meanDifference,
      difference?.sd,
      difference?.ci?.low,
      difference?.ci?.high,
      difference?.tStatistic,
      difference?.pValue,
      group.gapRecovered?.mean,
      group.accuracyRetention?.mean,
      group.compressionRatio?.mean,
      group.speedup?.mean,
      group.runIds.join(' '),
    ];
  };
  const referenceRow = (row: ReferenceRow): (string | number | undefined)[] => [
    row.role,
    row.label,
    ...comparison.by.map(() => undefined),
    row.runIds.length,
    ...summaryFields(row.last),
    ...summaryFields(row.best),
    ...new Array<undefined>(11).fill(undefined),
    row.runIds.join(' '),
  ];
  const rows = [header, ...comparison.groups.map(groupRow), ...comparison.references.map(referenceRow)];
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
