import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison } from '../src/comparison/build-comparison.js';
import { loadLinkedRuns } from '../src/runs/load-linked-runs.js';
import { LocalRunSource } from '../src/runs/local-run-source.js';
import { makeTempFolder, type TempFolder } from '../../tracking/test/temp-store.js';
import { writeFixtureRuns, type FixtureRun } from './support/fixture-runs.js';
import { SWEEP_TEACHER, temperatureSweep } from './support/sweep-fixtures.js';

// A study whose teacher was trained (and cached) while another experiment ran: its distilled runs
// point to a teacher run of that other experiment.
let store: TempFolder;
let teacherId: string;

beforeAll(async () => {
  store = await makeTempFolder('kdlab-linked-');
  const sweep = temperatureSweep();
  const teacher = sweep.find((run) => run.role === 'teacher')!;
  const ids = await writeFixtureRuns(store.path, 'first-study', [{ ...teacher, parent: undefined } as FixtureRun]);
  teacherId = ids.get('teacher')!;
  const second = sweep
    .filter((run) => run.role !== 'teacher')
    .map(({ teacher: linksTeacher, ...run }) => ({ ...run, tags: { ...run.tags, ...(linksTeacher ? { 'kdlab.teacher_run_id': teacherId } : {}) } }));
  await writeFixtureRuns(store.path, 'second-study', second);
});
afterAll(() => store.remove());

describe('runs linked from another experiment', () => {
  it('are read by id from the local store, whatever their experiment', async () => {
    const source = new LocalRunSource(store.path);
    const found = await source.loadRunsById([teacherId, 'no-such-run']);
    expect(found.map((run) => run.runId)).toEqual([teacherId]);
    expect(found[0]!.tags['kdlab.role']).toBe('teacher');
    expect(await source.loadRunsById([])).toEqual([]);
  });

  it("give kdlab compare the teacher row of a study whose teacher another study trained", async () => {
    const source = new LocalRunSource(store.path);
    const alone = await source.loadExperimentRuns('second-study');
    expect(buildComparison(alone).references.map((row) => row.label)).toEqual(['baseline']);
    const linked = await loadLinkedRuns(source, alone);
    expect(linked.linkedRuns!.map((run) => run.runId)).toEqual([teacherId]);
    const comparison = buildComparison(linked);
    expect(comparison.references.map((row) => row.label)).toEqual(['teacher', 'baseline']);
    expect(comparison.references[0]!.last).toMatchObject({ n: 1, mean: SWEEP_TEACHER.accuracy });
    // the linked teacher is a reference only: the experiment's own runs are unchanged
    expect(linked.runs).toEqual(alone.runs);
  });

  it('load nothing when every link is inside the experiment', async () => {
    const source = new LocalRunSource(store.path);
    const first = await source.loadExperimentRuns('first-study');
    expect((await loadLinkedRuns(source, first)).linkedRuns).toEqual([]);
  });
});

describe('runs linked from another experiment, on an MLflow server', () => {
  it('are read with runs/get, unknown ids left out', async () => {
    const { readMlrunsStore } = await import('../../tracking/src/mlruns/read-mlruns-store.js');
    const { startFakeMlflowServer } = await import('./support/fake-mlflow-server.js');
    const { openRunSource } = await import('../src/runs/open-run-source.js');
    const server = await startFakeMlflowServer(await readMlrunsStore(store.path));
    const source = openRunSource(server.url);
    try {
      const alone = await source.loadExperimentRuns('second-study');
      const linked = await loadLinkedRuns(source, alone);
      expect(linked.linkedRuns!.map((run) => [run.runId, run.tags['kdlab.role'], run.status])).toEqual([[teacherId, 'teacher', 'FINISHED']]);
      expect(buildComparison(linked).references.map((row) => row.label)).toEqual(['teacher', 'baseline']);
      expect(await source.loadRunsById(['0123456789abcdef0123456789abcdef'])).toEqual([]);
    } finally {
      await source.close();
      await server.close();
    }
  });
});
