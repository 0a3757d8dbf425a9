import { describe, expect, it } from 'vitest';
import type { MlrunsRunRecord, MlrunsStoreContents } from '@kdlab/tracking';
import { planPush, PushInputError, UnknownExperimentError, type PushedRun } from '../../src/push/index.js';

function run(runId: string, experimentId: string, status: MlrunsRunRecord['info']['status'], tags: Record<string, string> = {}): MlrunsRunRecord {
  return {
    info: { runId, experimentId, runName: runId, userId: 'u', status, startTime: 0, endTime: status === 'RUNNING' ? null : 1, artifactUri: '', lifecycleStage: 'active' },
    params: {},
    tags,
    metrics: {},
  };
}

function store(runs: MlrunsRunRecord[]): MlrunsStoreContents {
  const experiment = (experimentId: string, name: string) => ({ experimentId, name, artifactLocation: '', lifecycleStage: 'active', creationTime: null, lastUpdateTime: null, tags: {} });
  return { root: '/store', experiments: [experiment('1', 'one'), experiment('2', 'two')], runs, skipped: [] };
}

const nothingPushed = (): PushedRun | undefined => undefined;

describe('planPush', () => {
  it('puts every run after the runs it names, whatever the store order', () => {
    const contents = store([
      run('child', '1', 'FINISHED', { 'mlflow.parentRunId': 'parent', 'kdlab.teacher_run_id': 'teacher' }),
      run('parent', '1', 'FINISHED'),
      run('teacher', '2', 'FINISHED'),
    ]);
    const plan = planPush(contents, { pushed: nothingPushed });
    expect(plan.runs.map((planned) => planned.run.info.runId)).toEqual(['parent', 'teacher', 'child']);
    expect(plan.runs[2]!.dependsOn).toEqual(['parent', 'teacher']);
    expect(plan.runs.every((planned) => planned.decision.kind === 'copy')).toBe(true);
  });

  it('skips unfinished runs and, transitively, the runs that name them', () => {
    const contents = store([run('parent', '1', 'RUNNING'), run('child', '1', 'FINISHED', { 'mlflow.parentRunId': 'parent' }), run('grandchild', '1', 'FINISHED', { 'kdlab.teacher_run_id': 'child' })]);
    const decisions = planPush(contents, { pushed: nothingPushed }).runs.map((planned) => planned.decision);
    expect(decisions).toEqual([
      { kind: 'skip', reason: 'still RUNNING' },
      { kind: 'skip', reason: 'waits for run parent (parent), which is still RUNNING' },
      { kind: 'skip', reason: 'waits for run child (child), which waits for run parent (parent), which is still RUNNING' },
    ]);
  });

  it('follows the ledger: done runs are left alone, half-copied ones resumed, and a done run no longer waits', () => {
    const contents = store([run('a', '1', 'FINISHED'), run('b', '1', 'FINISHED')]);
    const ledger: Record<string, PushedRun> = { a: { serverRunId: 'sa', serverExperimentId: '9', state: 'done' }, b: { serverRunId: 'sb', serverExperimentId: '9', state: 'copying' } };
    expect(planPush(contents, { pushed: (id) => ledger[id] }).runs.map((planned) => planned.decision)).toEqual([
      { kind: 'pushed', serverRunId: 'sa' },
      { kind: 'resume', serverRunId: 'sb' },
    ]);
  });

  it('pulls in the runs an experiment names from other experiments, and reports ids the store does not hold', () => {
    const contents = store([run('teacher', '2', 'FINISHED'), run('other', '2', 'FINISHED'), run('student', '1', 'FINISHED', { 'kdlab.teacher_run_id': 'teacher', 'kdlab.baseline_run_id': 'gone' })]);
    const plan = planPush(contents, { experiments: ['one'], pushed: nothingPushed });
    expect(plan.runs.map((planned) => [planned.run.info.runId, planned.neededBy])).toEqual([
      ['teacher', 'student'],
      ['student', undefined],
    ]);
    expect(plan.unknownReferences).toEqual([{ runId: 'student', referencedRunId: 'gone' }]);
  });

  it('leaves out deleted runs, and refuses an experiment the store does not have, naming those it has', () => {
    const deleted = run('deleted', '1', 'FINISHED');
    deleted.info.lifecycleStage = 'deleted';
    expect(planPush(store([deleted]), { pushed: nothingPushed }).runs).toEqual([]);
    const refuse = () => planPush(store([]), { experiments: ['one', 'three'], pushed: nothingPushed });
    expect(refuse).toThrow(UnknownExperimentError);
    expect(refuse).toThrow(PushInputError);
    expect(refuse).toThrow("No experiment named 'three' in /store (experiments there: 'one', 'two').");
  });
});
