import type { StoredRun } from '@kdlab/report';
import { roleOf, studentSeedOf } from './study-runs.js';

/** What the page says of how a study's runs were made. */
export interface StudyFacts {
  /** Finished training runs (sweep parents not counted). */
  finished: number;
  /** Runs that did not finish (RUNNING, FAILED, KILLED). */
  unfinished: number;
  /** The student seeds of the baseline and distilled runs. */
  seeds: number[];
  /** The backends the runs name (`kdlab.backend`). */
  backends: string[];
  /** The machines the runs name (`kdlab.machine.cpu`), `not recorded` for runs without the tag. */
  machines: string[];
  /** Wall time in seconds: per invocation, from its first run's start to its last metric, summed over invocations. */
  wallSeconds: number;
  /** The newest metric's time (ms since the epoch), 0 without runs. */
  newest: number;
}

function lastTimestamp(run: StoredRun): number {
  let last = run.startTime;
  for (const points of Object.values(run.metrics)) for (const point of points) last = Math.max(last, point.timestamp);
  return last;
}

/** Counts and describes a study's runs (every status, sweep parents included for the timing). */
export function studyFacts(runs: readonly StoredRun[]): StudyFacts {
  const training = runs.filter((run) => roleOf(run) !== 'sweep');
  const students = training.filter((run) => roleOf(run) === 'baseline' || roleOf(run) === 'distilled');
  const spans = new Map<string, { start: number; end: number }>();
  for (const run of runs) {
    const invocation = run.tags['kdlab.invocation'] ?? run.runId;
    const span = spans.get(invocation) ?? { start: Number.POSITIVE_INFINITY, end: 0 };
    span.start = Math.min(span.start, run.startTime);
    span.end = Math.max(span.end, lastTimestamp(run));
    spans.set(invocation, span);
  }
  const wallSeconds = [...spans.values()].reduce((sum, span) => sum + Math.max(0, span.end - span.start) / 1000, 0);
  const distinct = (list: string[]): string[] => [...new Set(list)].sort();
  return {
    finished: training.filter((run) => run.status === 'FINISHED').length,
    unfinished: training.filter((run) => run.status !== 'FINISHED').length,
    seeds: [...new Set(students.map(studentSeedOf))].filter(Number.isFinite).sort((a, b) => a - b),
    backends: distinct(training.map((run) => run.tags['kdlab.backend'] ?? 'not recorded')),
    machines: distinct(training.map((run) => run.tags['kdlab.machine.cpu'] ?? 'not recorded (runs made before kdlab tagged the machine)')),
    wallSeconds,
    newest: Math.max(0, ...runs.map(lastTimestamp)),
  };
}

/** Seconds as `1 h 05 min`, `12 min` or `40 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
