import { describe, expect, it } from 'vitest';
import { linkReferenceRuns } from '../src/comparison/link-reference-runs.js';
import type { StoredRun } from '../src/runs/stored-run.js';

function run(runId: string, tags: Record<string, string>, params: Record<string, string> = {}, status: StoredRun['status'] = 'FINISHED'): StoredRun {
  return { runId, runName: runId, status, startTime: 0, params, tags, metrics: {} };
}

function index(runs: StoredRun[]): [Map<string, StoredRun>, Map<string, StoredRun[]>] {
  const finished = runs.filter((candidate) => candidate.status === 'FINISHED');
  const byInvocation = new Map<string, StoredRun[]>();
  for (const candidate of finished) {
    const invocation = candidate.tags['kdlab.invocation']!;
    byInvocation.set(invocation, [...(byInvocation.get(invocation) ?? []), candidate]);
  }
  return [new Map(finished.map((candidate) => [candidate.runId, candidate])), byInvocation];
}

describe('linkReferenceRuns', () => {
  it('follows the explicit links, and finds nothing when the linked run did not finish', () => {
    const runs = [
      run('b', { 'kdlab.role': 'baseline', 'kdlab.invocation': 'i' }),
      run('t', { 'kdlab.role': 'teacher', 'kdlab.invocation': 'i' }, {}, 'FAILED'),
      run('d', { 'kdlab.role': 'distilled', 'kdlab.invocation': 'i', 'kdlab.baseline_run_id': 'b', 'kdlab.teacher_run_id': 't' }),
    ];
    const links = linkReferenceRuns(runs[2]!, ...index(runs));
    expect(links.baseline?.runId).toBe('b');
    expect(links.teacher).toBeUndefined();
  });

  it('pairs a plain run with the baseline of its invocation and seed, and prefers the ensemble over its members', () => {
    const runs = [
      run('t1', { 'kdlab.role': 'teacher', 'kdlab.invocation': 'i' }),
      run('t2', { 'kdlab.role': 'teacher', 'kdlab.invocation': 'i' }),
      run('e', { 'kdlab.role': 'ensemble', 'kdlab.invocation': 'i' }),
      run('b0', { 'kdlab.role': 'baseline', 'kdlab.invocation': 'i' }, { seed: '0' }),
      run('b1', { 'kdlab.role': 'baseline', 'kdlab.invocation': 'i' }, { seed: '1' }),
      run('b-other', { 'kdlab.role': 'baseline', 'kdlab.invocation': 'j' }, { seed: '1' }),
      run('d', { 'kdlab.role': 'distilled', 'kdlab.invocation': 'i' }, { seed: '1' }),
    ];
    const links = linkReferenceRuns(runs[6]!, ...index(runs));
    expect(links.teacher?.runId).toBe('e');
    expect(links.baseline?.runId).toBe('b1');
  });

  it('does not guess a baseline for a sweep trial without a link (every run of a sweep shares the invocation)', () => {
    const runs = [
      run('b', { 'kdlab.role': 'baseline', 'kdlab.invocation': 'i', 'kdlab.sweep_id': 's' }, { seed: '0' }),
      run('t', { 'kdlab.role': 'teacher', 'kdlab.invocation': 'i', 'kdlab.sweep_id': 's' }),
      run('d', { 'kdlab.role': 'distilled', 'kdlab.invocation': 'i', 'kdlab.sweep_id': 's', 'kdlab.teacher_run_id': 't' }, { seed: '0' }),
    ];
    const links = linkReferenceRuns(runs[2]!, ...index(runs));
    expect(links.baseline).toBeUndefined();
    expect(links.teacher?.runId).toBe('t');
  });
});
