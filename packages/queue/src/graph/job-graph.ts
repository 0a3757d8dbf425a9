import type { ResolvedTrial } from '@kdlab/runner';
import { sweepBaselineKey, sweepTeacherKey } from '@kdlab/runner';

/** What a job does: one phase of the sweep, or the sweep's end. */
export type JobKind = 'teacher' | 'baseline' | 'trial' | 'finish';

/** One job of a sweep: its id within the sweep, what it runs, and the jobs that must finish first. */
export interface JobNode {
  /** Its id within the sweep (`teacher-<key>`, `baseline-<key>`, `trial-<index>`, `finish`): no `:`, as BullMQ asks. */
  readonly id: string;
  /** What it runs. */
  readonly kind: JobKind;
  /** The ids of the jobs it waits for. */
  readonly deps: readonly string[];
  /** The trial it runs (for a teacher or baseline: the first trial that needs it); absent for `finish`. */
  readonly trial?: number;
}

/** A sweep's jobs in an order in which every job comes after the jobs it waits for. */
export interface JobGraph {
  /** The jobs. */
  readonly nodes: readonly JobNode[];
}

/**
 * The jobs of a sweep's pending trials, as `runSweep` schedules them on one machine: every distinct
 * teacher once; every distinct baseline once, after its teacher (a baseline measures its agreement
 * with the teacher); each trial's distilled student after its teacher and its baseline; and a
 * `finish` job after every trial, which ends the sweep's parent run. Teachers and baselines are
 * shared by content (the same keys as the local scheduler and the trained-model cache use).
 *
 * @param pending - the trials still to run (finished ones are left out by the caller).
 */
export function buildJobGraph(pending: readonly ResolvedTrial[]): JobGraph {
  const nodes: JobNode[] = [];
  const seen = new Set<string>();
  const add = (node: JobNode): void => {
    if (seen.has(node.id)) return;
    seen.add(node.id);
    nodes.push(node);
  };
  for (const t of pending) add({ id: `teacher-${sweepTeacherKey(t)}`, kind: 'teacher', deps: [], trial: t.trial.index });
  for (const t of pending) {
    if (!t.experiment.baseline) continue;
    add({ id: `baseline-${sweepBaselineKey(t)}`, kind: 'baseline', deps: [`teacher-${sweepTeacherKey(t)}`], trial: t.trial.index });
  }
  const trials: string[] = [];
  for (const t of pending) {
    const deps = [`teacher-${sweepTeacherKey(t)}`, ...(t.experiment.baseline ? [`baseline-${sweepBaselineKey(t)}`] : [])];
    const id = `trial-${t.trial.index}`;
    trials.push(id);
    add({ id, kind: 'trial', deps, trial: t.trial.index });
  }
  add({ id: 'finish', kind: 'finish', deps: trials });
  return { nodes };
}

/** The jobs that depend on each job (the graph's edges turned round). */
export function dependentsOf(graph: JobGraph): Map<string, string[]> {
  const dependents = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const node of graph.nodes) for (const dep of node.deps) dependents.get(dep)!.push(node.id);
  return dependents;
}
