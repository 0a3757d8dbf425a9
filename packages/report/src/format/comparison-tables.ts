import type { Comparison, GroupComparison, ReferenceRow } from '../comparison/comparison.js';
import { EMPTY_CELL, formatFactor, formatLevel, formatPercent, formatPValue, formatSigned, formatSummaryInterval, formatValue } from './format-values.js';
import type { TableColumn, TableRow, TableSpec } from './table-spec.js';

/** The label of the distilled row when nothing is grouped. */
const UNGROUPED_LABEL = 'distilled';

function leadColumns(comparison: Comparison): TableColumn[] {
  return comparison.by.length === 0 ? [{ header: 'group', align: 'left' }] : comparison.by.map((path) => ({ header: path, align: 'left' as const }));
}

function groupLead(comparison: Comparison, group: GroupComparison): string[] {
  return comparison.by.length === 0 ? [UNGROUPED_LABEL] : comparison.by.map((path) => group.values[path] ?? '(unset)');
}

function referenceLead(comparison: Comparison, row: ReferenceRow): string[] {
  return [row.model !== undefined ? `${row.label}: ${row.model}` : row.label, ...comparison.by.slice(1).map(() => '')];
}

/**
 * The metric table: per group and for the teacher and baseline rows, n and the mean, sd and
 * confidence interval of the metric, last epoch and best epoch.
 *
 * @param comparison - The comparison.
 */
export function metricTable(comparison: Comparison): TableSpec {
  const level = formatLevel(comparison.level);
  const right = (header: string): TableColumn => ({ header, align: 'right' });
  const columns = [...leadColumns(comparison), right('n'), right(comparison.metric), right('sd'), right(`${level} CI`)];
  if (comparison.bestMetric !== undefined) columns.push(right(comparison.bestMetric), right('sd'), right(`${level} CI`));
  const cells = (summaries: { last?: GroupComparison['last']; best?: GroupComparison['best'] }, n: number): string[] => {
    const { last, best } = summaries;
    const row = [String(n), formatValue(last?.mean), formatValue(last?.sd), formatSummaryInterval(last)];
    if (comparison.bestMetric !== undefined) row.push(formatValue(best?.mean), formatValue(best?.sd), formatSummaryInterval(best));
    return row;
  };
  const leadSpan = Math.max(1, comparison.by.length);
  const rows: TableRow[] = [
    ...comparison.groups.map((group) => ({ cells: [...groupLead(comparison, group), ...cells(group, group.runIds.length)] })),
    ...comparison.references.map((row) => ({ cells: [...referenceLead(comparison, row), ...cells(row, row.runIds.length)], leadSpan })),
  ];
  return {
    title: `${comparison.metric} over seeds (mean, sd, ${level} t interval)`,
    columns,
    rows,
    separatorsBefore: comparison.references.length > 0 ? [comparison.groups.length] : [],
  };
}

/**
 * The distillation table: per group, the paired difference from the baseline with its interval
 * and p-value, gap recovered, retention, compression ratio and speed-up (means over seeds).
 *
 * @param comparison - The comparison.
 */
export function distillationTable(comparison: Comparison): TableSpec {
  const level = formatLevel(comparison.level);
  const right = (header: string): TableColumn => ({ header, align: 'right' });
  const columns = [
    ...leadColumns(comparison),
    right('pairs'),
    right('Δ vs baseline'),
    right(`${level} CI`),
    right('p'),
    right('gap recovered'),
    right('retention'),
    right('compression'),
    right('speed-up'),
  ];
  const rows = comparison.groups.map((group): TableRow => {
    const difference = group.differenceFromBaseline;
    const cells = [
      ...groupLead(comparison, group),
      difference === undefined ? '0' : String(difference.n),
      formatSigned(difference?.meanDifference),
      difference === undefined ? EMPTY_CELL : formatSummaryInterval(difference, (value) => formatSigned(value)),
      formatPValue(difference?.pValue),
      formatValue(group.gapRecovered?.mean, 2),
      formatPercent(group.accuracyRetention?.mean),
      formatFactor(group.compressionRatio?.mean),
      formatFactor(group.speedup?.mean),
    ];
    return { cells };
  });
  return {
    title: `distilled vs baseline, paired by seed (${comparison.metric}; two-sided paired t-test)`,
    columns,
    rows,
    separatorsBefore: [],
  };
}

/**
 * The lines around the tables: what was compared, then the notes (skipped runs, per-group remarks).
 *
 * @param comparison - The comparison.
 */
export function comparisonHeadline(comparison: Comparison): string {
  const grouping = comparison.by.length === 0 ? 'ungrouped (nothing swept)' : `by ${comparison.by.join(', ')}`;
  return `experiment "${comparison.experimentName}" (${comparison.source}): ${comparison.counts.compared} distilled runs in ${comparison.groups.length} group(s), ${grouping}`;
}

/**
 * Every note of the comparison as a line: run counts first, then each group's remarks (a remark
 * every group shares is said once, for `all groups`).
 *
 * @param comparison - The comparison.
 */
export function comparisonNotes(comparison: Comparison): string[] {
  const remarksByGroup = comparison.groups.map((group) => {
    const remarks = [...group.notes];
    if (group.differenceFromBaseline?.note !== undefined) remarks.push(`Δ vs baseline: ${group.differenceFromBaseline.note}`);
    else if (group.last?.note !== undefined) remarks.push(group.last.note);
    return { key: group.key, remarks };
  });
  const shared =
    comparison.groups.length > 1 ? remarksByGroup[0]!.remarks.filter((remark) => remarksByGroup.every((group) => group.remarks.includes(remark))) : [];
  return [
    ...comparison.notes,
    ...shared.map((remark) => `all groups: ${remark}`),
    ...remarksByGroup.flatMap((group) => group.remarks.filter((remark) => !shared.includes(remark)).map((remark) => `${group.key}: ${remark}`)),
  ];
}
