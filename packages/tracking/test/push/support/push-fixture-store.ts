import { MlrunsTracker } from '@kdlab/tracking';
import type { RunHandle } from '@kdlab/core';

const T0 = 1_790_000_000_000;

/** The local run ids of the fixture store, by role. */
export interface PushFixtureIds {
  /** `teachers`: the teacher the sweep's students learn from (artifacts: config, model json and binary weights). */
  teacher: string;
  /** `teachers`: a second teacher, an ensemble member. */
  teacher2: string;
  /** `kd-sweep`: the sweep's parent run. */
  sweep: string;
  /** `kd-sweep`: the baseline trial (child of the sweep). */
  baseline: string;
  /** `kd-sweep`: a distilled trial naming teacher and baseline (child of the sweep). */
  distilled1: string;
  /** `kd-sweep`: a FAILED distilled trial with a NaN metric and a param too long for MLflow. */
  distilled2: string;
  /** `kd-sweep`: the ensemble of both teachers (`kdlab.member_run_ids`). */
  ensemble: string;
  /** `kd-sweep`: a distilled run taught by the ensemble, whose baseline is not in the store. */
  distilled3: string;
  /** `in-progress`: a sweep parent still RUNNING. */
  running: string;
  /** `in-progress`: a finished trial of that running parent. */
  runningChild: string;
}

/** The baseline id `distilled3` names, which is in no store. */
export const MISSING_RUN_ID = 'f'.repeat(32);

/** A param value longer than MLflow keeps (the local store keeps its whole text as an artifact). */
export const LONG_PARAM = 'x'.repeat(6100);

/** The binary weights artifact of the teacher. */
export const WEIGHTS = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255, 10, 13]);

async function epochs(run: RunHandle, start: number, values: readonly number[]): Promise<void> {
  await run.logMetrics(values.map((value, step) => ({ key: 'val/accuracy', value, step, timestamp: start + step })));
  await run.logMetrics(values.map((value, step) => ({ key: 'train/loss', value: 1 - value, step, timestamp: start + step })));
}

/**
 * Writes, with kdlab's own local tracker, a store holding what `kdlab push` must copy: a teacher
 * with artifacts in one experiment, a sweep with children naming it in another, an ensemble, a
 * failed run with NaN and a long param, a reference to a run no store has, and a running parent
 * with a finished child. The running parent is returned still open.
 *
 * @param root - The store folder.
 */
export async function writePushFixtureStore(root: string): Promise<{ ids: PushFixtureIds; running: RunHandle; tracker: MlrunsTracker }> {
  const tracker = new MlrunsTracker({ location: root });
  const user = { 'mlflow.user': 'erin', 'mlflow.source.name': 'experiments/kd.ts', 'mlflow.source.type': 'LOCAL' };

  const teacher = await tracker.startRun({ experimentName: 'teachers', runName: 'teacher', tags: { ...user, 'kdlab.role': 'teacher' }, startTime: T0 });
  await teacher.logParams({ 'teacher.model.hidden': '[1200,1200]', seed: 0 });
  await epochs(teacher, T0 + 10, [0.9, 0.95, 0.97]);
  await teacher.logArtifact('config.json', '{"teacher":true}');
  await teacher.logArtifact('model/model.json', '{"format":"layers-model"}');
  await teacher.logArtifact('model/weights.bin', WEIGHTS);
  await teacher.end('FINISHED');

  const teacher2 = await tracker.startRun({ experimentName: 'teachers', runName: 'teacher-2', tags: { ...user, 'kdlab.role': 'teacher' }, startTime: T0 + 100 });
  await teacher2.logParams({ seed: 1 });
  await epochs(teacher2, T0 + 110, [0.91, 0.96]);
  await teacher2.end('FINISHED');

  const sweep = await tracker.startRun({ experimentName: 'kd-sweep', runName: 'sweep', tags: { ...user, 'kdlab.role': 'sweep' }, startTime: T0 + 200 });
  const baseline = await tracker.startRun({ experimentName: 'kd-sweep', runName: 'baseline-s0', parentRunId: sweep.runId, tags: { ...user, 'kdlab.role': 'baseline' }, startTime: T0 + 210 });
  await baseline.logParams({ seed: 0, 'sweep.losses.1.temperature': 4 });
  await epochs(baseline, T0 + 220, [0.8, 0.85, 0.86]);
  await baseline.logMetrics([{ key: 'test/accuracy', value: 0.86, step: 3, timestamp: T0 + 230 }]);
  await baseline.end('FINISHED');

  /** A distilled trial of the sweep, taught by `teacher`, against `baseline`. */
  const distilledTrial = (runName: string, startTime: number): Promise<RunHandle> =>
    tracker.startRun({
      experimentName: 'kd-sweep',
      runName,
      parentRunId: sweep.runId,
      tags: { ...user, 'kdlab.role': 'distilled', 'kdlab.teacher_run_id': teacher.runId, 'kdlab.baseline_run_id': baseline.runId },
      startTime,
    });

  const distilled1 = await distilledTrial('distilled-t4-s0', T0 + 240);
  await distilled1.logParams({ seed: 0, 'sweep.losses.1.temperature': 4, 'losses.1.temperature': 4 });
  await epochs(distilled1, T0 + 250, [0.82, 0.87, 0.89]);
  await distilled1.logMetrics([{ key: 'test/accuracy', value: 0.89, step: 3, timestamp: T0 + 260 }]);
  await distilled1.logArtifact('config.json', '{"temperature":4}');
  await distilled1.end('FINISHED');

  const distilled2 = await distilledTrial('distilled-t8-s0', T0 + 270);
  await distilled2.logParams({ seed: 0, 'sweep.losses.1.temperature': 8, config: LONG_PARAM });
  await epochs(distilled2, T0 + 280, [0.5, Number.NaN]);
  await distilled2.logMetrics([{ key: 'test/ece', value: Infinity, step: 2, timestamp: T0 + 290 }]);
  await distilled2.setTags({ 'kdlab.error': 'loss became NaN' });
  await distilled2.end('FAILED');
  await sweep.end('FINISHED');

  const ensemble = await tracker.startRun({
    experimentName: 'kd-sweep',
    runName: 'ensemble',
    tags: { ...user, 'kdlab.role': 'ensemble', 'kdlab.member_run_ids': `${teacher.runId},${teacher2.runId}` },
    startTime: T0 + 300,
  });
  await ensemble.logMetrics([{ key: 'test/accuracy', value: 0.975, step: 0, timestamp: T0 + 301 }]);
  await ensemble.end('FINISHED');

  const distilled3 = await tracker.startRun({
    experimentName: 'kd-sweep',
    runName: 'distilled-ensemble',
    tags: { ...user, 'kdlab.role': 'distilled', 'kdlab.teacher_run_id': ensemble.runId, 'kdlab.baseline_run_id': MISSING_RUN_ID },
    startTime: T0 + 310,
  });
  await epochs(distilled3, T0 + 320, [0.88]);
  await distilled3.end('KILLED');

  const running = await tracker.startRun({ experimentName: 'in-progress', runName: 'sweep', tags: { ...user, 'kdlab.role': 'sweep' }, startTime: T0 + 400 });
  const runningChild = await tracker.startRun({ experimentName: 'in-progress', runName: 'baseline-s0', parentRunId: running.runId, tags: { ...user, 'kdlab.role': 'baseline' }, startTime: T0 + 410 });
  await epochs(runningChild, T0 + 420, [0.7]);
  await runningChild.end('FINISHED');
  await tracker.flush();

  return {
    ids: {
      teacher: teacher.runId,
      teacher2: teacher2.runId,
      sweep: sweep.runId,
      baseline: baseline.runId,
      distilled1: distilled1.runId,
      distilled2: distilled2.runId,
      ensemble: ensemble.runId,
      distilled3: distilled3.runId,
      running: running.runId,
      runningChild: runningChild.runId,
    },
    running,
    tracker,
  };
}
