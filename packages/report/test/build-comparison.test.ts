import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison, NothingToCompareError } from '../src/comparison/build-comparison.js';
import { LocalRunSource } from '../src/runs/local-run-source.js';
import { ExperimentNotFoundError } from '../src/runs/run-source.js';
import type { ExperimentRuns } from '../src/runs/stored-run.js';
import { pairedDifference } from '../src/statistics/paired-t-test.js';
import { summarizeSample } from '../src/statistics/summarize-sample.js';
import { makeTempFolder, type TempFolder } from '../../tracking/test/temp-store.js';
import { writeFixtureRuns } from './support/fixture-runs.js';
import { plainInvocations, SWEEP_BASELINE, SWEEP_DISTILLED, SWEEP_STUDENT_LATENCY, SWEEP_TEACHER, temperatureSweep, twoPathSweep } from './support/sweep-fixtures.js';

let store: TempFolder;
let sweep: ExperimentRuns;
let sweepIds: Map<string, string>;

beforeAll(async () => {
  store = await makeTempFolder('kdlab-compare-');
  sweepIds = await writeFixtureRuns(store.path, 'kd-sweep', temperatureSweep());
  await writeFixtureRuns(store.path, 'kd-plain', plainInvocations());
  await writeFixtureRuns(store.path, 'kd-two', twoPathSweep());
  sweep = await new LocalRunSource(store.path).loadExperimentRuns('kd-sweep');
});
afterAll(() => store.remove());

describe('buildComparison on a temperature sweep', () => {
  it('groups the finished distilled runs by the swept temperature, one run per seed, in numeric order', () => {
    const comparison = buildComparison(sweep);
    expect(comparison.by).toEqual(['losses.1.temperature']);
    expect(comparison.groups.map((group) => group.key)).toEqual(['losses.1.temperature=1', 'losses.1.temperature=4', 'losses.1.temperature=8']);
    for (const group of comparison.groups) expect(group.seeds).toEqual(['0', '1', '2']);
    const four = comparison.groups[1]!;
    expect(four.runIds).toContain(sweepIds.get('distilled-t4-s0'));
    expect(four.runIds).not.toContain(sweepIds.get('distilled-t4-s0-early'));
    expect(four.notes).toContain('1 earlier run(s) of the same trial replaced by later ones');
  });

  it('summarizes each group over seeds and pairs each run with its own baseline', () => {
    const comparison = buildComparison(sweep);
    expect(comparison.metric).toBe('test/accuracy');
    expect(comparison.bestMetric).toBe('test/best/accuracy');
    for (const group of comparison.groups) {
      const temperature = group.values['losses.1.temperature']!;
      const distilled = SWEEP_DISTILLED[temperature]!;
      expect(group.last).toEqual(summarizeSample(distilled));
      expect(group.best?.mean).toBeCloseTo(summarizeSample(distilled).mean + 0.0005, 12);
      expect(group.differenceFromBaseline).toEqual(pairedDifference(distilled.map((treated, seed) => ({ treated, control: SWEEP_BASELINE[seed]! }))));
      const gaps = distilled.map((d, seed) => (d - SWEEP_BASELINE[seed]!) / (SWEEP_TEACHER.accuracy - SWEEP_BASELINE[seed]!));
      expect(group.gapRecovered?.mean).toBeCloseTo(gaps.reduce((a, b) => a + b) / 3, 12);
      const retention = distilled.map((d) => d / SWEEP_TEACHER.accuracy);
      expect(group.accuracyRetention?.mean).toBeCloseTo(retention.reduce((a, b) => a + b) / 3, 12);
      expect(group.compressionRatio?.mean).toBeCloseTo(101_770 / 25_450, 12);
      const speedups = SWEEP_STUDENT_LATENCY.map((latency) => SWEEP_TEACHER.latencyMs / latency);
      expect(group.speedup?.mean).toBeCloseTo(speedups.reduce((a, b) => a + b) / 3, 12);
      expect(group.baselineRunIds.sort()).toEqual(['baseline-s0', 'baseline-s1', 'baseline-s2'].map((name) => sweepIds.get(name)).sort());
    }
  });

  it('gives one teacher row and one baseline row shared by every group', () => {
    const { references } = buildComparison(sweep);
    expect(references.map((row) => row.label)).toEqual(['teacher', 'baseline']);
    const [teacher, baseline] = references;
    expect(teacher!.last).toMatchObject({ n: 1, mean: SWEEP_TEACHER.accuracy });
    expect(teacher!.model).toBe('mlp');
    expect(teacher!.params).toBe(SWEEP_TEACHER.params);
    expect(baseline!.last).toEqual(summarizeSample(SWEEP_BASELINE));
    expect(baseline!.groupKeys).toHaveLength(3);
  });

  it('counts and names the runs it skipped', () => {
    const { counts, notes } = buildComparison(sweep);
    expect(counts).toMatchObject({ total: 17, compared: 9, superseded: 1, withoutBaseline: 0, withoutTeacher: 0, notFinished: { FAILED: 1, RUNNING: 1 } });
    expect(notes).toContain('skipped 2 run(s) not FINISHED (1 FAILED, 1 RUNNING)');
  });

  it('averages the validation curves per group and for the references', () => {
    const { curves } = buildComparison(sweep);
    expect(curves.map((curve) => `${curve.kind}:${curve.label}`)).toEqual([
      'distilled:losses.1.temperature=1',
      'distilled:losses.1.temperature=4',
      'distilled:losses.1.temperature=8',
      'teacher:teacher',
      'baseline:baseline',
    ]);
    const four = curves[1]!;
    const mean = SWEEP_DISTILLED['4']!.reduce((a, b) => a + b) / 3;
    expect(four.points.map((point) => point.epoch)).toEqual([1, 2, 3]);
    expect(four.points[2]!.mean).toBeCloseTo(mean, 12);
    expect(four.points[0]!.mean).toBeCloseTo(mean - 0.02, 12);
    expect(four.points.every((point) => point.n === 3)).toBe(true);
  });

  it('compares another metric and groups by a path given with or without the sweep. prefix', () => {
    const bySweepParam = buildComparison(sweep, { by: ['sweep.losses.1.temperature'], metric: 'test/best/accuracy' });
    expect(bySweepParam.by).toEqual(['losses.1.temperature']);
    expect(bySweepParam.bestMetric).toBeUndefined();
    expect(bySweepParam.groups[1]!.last?.mean).toBeCloseTo(summarizeSample(SWEEP_DISTILLED['4']!).mean + 0.0005, 12);
    const bySeed = buildComparison(sweep, { by: ['seed'] });
    expect(bySeed.groups.map((group) => group.key)).toEqual(['seed=0', 'seed=1', 'seed=2']);
    expect(bySeed.groups[0]!.runIds.sort()).toEqual(['distilled-t1-s0', 'distilled-t4-s0', 'distilled-t8-s0'].map((name) => sweepIds.get(name)).sort());
  });

  it('names an unknown --by path and the params that do vary', () => {
    expect(() => buildComparison(sweep, { by: ['losses.1.temprature'] })).toThrow(
      "--by 'losses.1.temprature': no distilled run has a param 'losses.1.temprature' (params that vary: losses.1.temperature, seed).",
    );
  });
});

describe('buildComparison on other experiments', () => {
  it('pairs runs of plain kdlab run invocations by kdlab.invocation, in one group', async () => {
    const comparison = buildComparison(await new LocalRunSource(store.path).loadExperimentRuns('kd-plain'));
    expect(comparison.by).toEqual([]);
    expect(comparison.groups).toHaveLength(1);
    const [group] = comparison.groups;
    expect(group!.key).toBe('all');
    expect(group!.seeds).toEqual(['7', '8']);
    expect(group!.differenceFromBaseline).toEqual(pairedDifference([{ treated: 0.965, control: 0.95 }, { treated: 0.97, control: 0.952 }]));
    expect(group!.gapRecovered?.mean).toBeCloseTo(((0.965 - 0.95) / (0.98 - 0.95) + (0.97 - 0.952) / (0.982 - 0.952)) / 2, 12);
    expect(group!.compressionRatio?.mean).toBe(4);
    expect(comparison.references.map((row) => row.label)).toEqual(['teacher', 'baseline']);
    expect(comparison.references[0]!.runIds).toHaveLength(2);
  });

  it('labels per-group baselines with the grouping values their groups share', async () => {
    const comparison = buildComparison(await new LocalRunSource(store.path).loadExperimentRuns('kd-two'));
    expect(comparison.by).toEqual(['losses.1.temperature', 'student.model.hidden']);
    expect(comparison.groups.map((group) => group.key)).toEqual([
      'losses.1.temperature=2, student.model.hidden=[30]',
      'losses.1.temperature=2, student.model.hidden=[100]',
      'losses.1.temperature=4, student.model.hidden=[30]',
      'losses.1.temperature=4, student.model.hidden=[100]',
    ]);
    expect(comparison.references.map((row) => row.label)).toEqual([
      'teacher',
      'baseline (student.model.hidden=[30])',
      'baseline (student.model.hidden=[100])',
    ]);
    expect(comparison.references[1]!.last?.mean).toBeCloseTo(0.951, 12);
  });

  it('refuses an experiment without finished distilled runs, and an unknown experiment, naming the ones there are', async () => {
    const source = new LocalRunSource(store.path, './store');
    const plain = await source.loadExperimentRuns('kd-plain');
    expect(() => buildComparison({ ...plain, runs: plain.runs.filter((run) => run.tags['kdlab.role'] !== 'distilled') })).toThrow(NothingToCompareError);
    const missing = source.loadExperimentRuns('kd-nope');
    await expect(missing).rejects.toThrow(ExperimentNotFoundError);
    await expect(missing).rejects.toThrow(/^No experiment named 'kd-nope' in \.\/store \(experiments there: '.*'\)\.$/);
    for (const name of ['kd-sweep', 'kd-plain', 'kd-two']) await expect(missing).rejects.toThrow(`'${name}'`);
  });
});
