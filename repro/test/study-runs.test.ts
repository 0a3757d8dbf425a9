import { describe, expect, it } from 'vitest';
import type { StoredRun } from '@kdlab/report';
import { baselinesOf, studyRuns, teachersOf } from '../page/study-runs.js';

function run(runId: string, role: string, tags: Record<string, string> = {}, status: StoredRun['status'] = 'FINISHED'): StoredRun {
  return { runId, runName: runId, status, startTime: 0, params: {}, tags: { 'kdlab.role': role, ...tags }, metrics: {} };
}

describe('baselinesOf', () => {
  it("finds an experiment's own baselines and those its distilled runs link to in other experiments", () => {
    const all = new Map<string, StoredRun[]>([
      // a baseline trained (and cached) by another study, and one that did not finish
      ['first-study', [run('b-cached', 'baseline'), run('b-killed', 'baseline', {}, 'KILLED')]],
      [
        'second-study',
        [
          run('b-own', 'baseline'),
          run('d-1', 'distilled', { 'kdlab.baseline_run_id': 'b-cached' }),
          run('d-2', 'distilled', { 'kdlab.baseline_run_id': 'b-cached' }),
          run('d-3', 'distilled', { 'kdlab.baseline_run_id': 'b-own' }),
          run('d-4', 'distilled', { 'kdlab.baseline_run_id': 'b-killed' }),
          run('d-5', 'distilled', { 'kdlab.baseline_run_id': 'not-in-the-store' }),
        ],
      ],
    ]);
    const runs = studyRuns(all, ['second-study']);
    expect(baselinesOf(runs, 'second-study').map((r) => r.runId).sort()).toEqual(['b-cached', 'b-own']);
    expect(baselinesOf(runs, 'no-such-study')).toEqual([]);
  });
});

describe('teachersOf', () => {
  it("finds an experiment's own teacher and the cached teacher of another study its distilled runs link to", () => {
    const all = new Map<string, StoredRun[]>([
      ['first-study', [run('t-cached', 'teacher'), run('b-other', 'baseline')]],
      ['second-study', [run('d-1', 'distilled', { 'kdlab.teacher_run_id': 't-cached' }), run('d-2', 'distilled', { 'kdlab.teacher_run_id': 'b-other' })]],
      ['third-study', [run('t-own', 'teacher'), run('d-3', 'distilled', { 'kdlab.teacher_run_id': 't-own' })]],
    ]);
    const runs = studyRuns(all, ['second-study', 'third-study']);
    expect(teachersOf(runs, 'second-study').map((r) => r.runId)).toEqual(['t-cached']);
    expect(teachersOf(runs, 'third-study').map((r) => r.runId)).toEqual(['t-own']);
  });
});
