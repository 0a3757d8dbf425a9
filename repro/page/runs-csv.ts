import type { StoredRun } from '@kdlab/report';
import { optionalMetric, roleOf, studentSeedOf } from './study-runs.js';

/** The CSV's columns: one row per training run of every study. */
export const RUNS_CSV_COLUMNS = [
  'study',
  'experiment',
  'run_id',
  'role',
  'status',
  'swept',
  'student_seed',
  'test_errors',
  'test_accuracy',
  'test_best_accuracy',
  'val_accuracy',
  'best_val_accuracy',
  'best_epoch',
  'bias_shift',
  'test_shifted_errors',
  'train_seconds',
  'params',
  'backend',
  'machine',
] as const;

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The swept values of a run (its `sweep.<path>` params) as one JSON object. */
export function sweptValues(run: StoredRun): string {
  const swept = Object.fromEntries(
    Object.entries(run.params)
      .filter(([key]) => key.startsWith('sweep.'))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => [key.slice('sweep.'.length), value]),
  );
  return Object.keys(swept).length === 0 ? '' : JSON.stringify(swept);
}

function seedOrBlank(seed: number): number | undefined {
  return Number.isFinite(seed) ? seed : undefined;
}

/** One CSV row of a run. */
export function runCsvRow(study: string, experiment: string, run: StoredRun): string {
  const m = (key: string): number | undefined => optionalMetric(run, key);
  const role = roleOf(run);
  const values: Record<(typeof RUNS_CSV_COLUMNS)[number], string | number | undefined> = {
    study,
    experiment,
    run_id: run.runId,
    role,
    status: run.status,
    swept: sweptValues(run),
    student_seed: role === 'baseline' || role === 'distilled' ? seedOrBlank(studentSeedOf(run)) : undefined,
    test_errors: m('test/errors'),
    test_accuracy: m('test/accuracy'),
    test_best_accuracy: m('test/best/accuracy'),
    val_accuracy: m('val/accuracy'),
    best_val_accuracy: m('best/val_accuracy'),
    best_epoch: m('best/epoch'),
    bias_shift: m('bias_shift/value'),
    test_shifted_errors: m('test/shifted/errors'),
    train_seconds: m('time/train_s'),
    params: m('model/params'),
    backend: run.tags['kdlab.backend'],
    machine: run.tags['kdlab.machine.cpu'],
  };
  return RUNS_CSV_COLUMNS.map((column) => cell(values[column])).join(',');
}

/** The CSV text: a header, then one row per (study, experiment, run), in the order given. */
export function runsCsv(rows: readonly { study: string; experiment: string; run: StoredRun }[]): string {
  return [RUNS_CSV_COLUMNS.join(','), ...rows.map((row) => runCsvRow(row.study, row.experiment, row.run))].join('\n') + '\n';
}
