import type { DistillationSummary } from './distillation-summary.js';

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** Formats a distillation summary as the aligned text table `kdlab run` prints. */
export function formatSummaryTable(summary: DistillationSummary): string {
  const header = ['role', 'model', 'params', 'test acc', 'best-epoch acc', 'agreement', 'latency'];
  const lines = summary.rows.map((row) => [
    row.name,
    row.kind,
    row.params.toLocaleString('en-US'),
    row.testAccuracy.toFixed(4),
    row.role === 'ensemble' ? '-' : `${row.bestEpochTestAccuracy.toFixed(4)} (ep ${row.bestEpoch})`,
    row.agreement === undefined ? '-' : row.agreement.toFixed(4),
    `${row.latencyMs.toFixed(2)} ms`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const numeric = [false, false, true, true, true, true, true];
  const render = (cells: string[]): string => cells.map((cell, i) => pad(cell, widths[i]!, numeric[i])).join('  ').trimEnd();
  const gap =
    summary.gapRecovered === undefined
      ? 'gap recovered n/a'
      : `gap recovered ${summary.gapRecovered.toFixed(2)}`;
  return [
    render(header),
    ...lines.map(render),
    '',
    `${gap}   retention ${(summary.accuracyRetention * 100).toFixed(1)}%   compression ${summary.compressionRatio.toFixed(2)}x   speed-up ${summary.speedup.toFixed(2)}x`,
  ].join('\n');
}
