import type { FixtureRun } from './fixture-runs.js';

/** Teacher values of {@link temperatureSweep}. */
export const SWEEP_TEACHER = { accuracy: 0.985, best: 0.986, params: 101_770, latencyMs: 0.9 };

/** Baseline test accuracy by seed (0, 1, 2) in {@link temperatureSweep}. */
export const SWEEP_BASELINE = [0.9712, 0.9731, 0.9705];

/** Distilled test accuracy by temperature, then seed (0, 1, 2), in {@link temperatureSweep}. */
export const SWEEP_DISTILLED: Readonly<Record<string, readonly number[]>> = {
  '1': [0.972, 0.9738, 0.9709],
  '4': [0.9801, 0.9794, 0.9812],
  '8': [0.979, 0.9779, 0.9785],
};

/** Student latency by seed in {@link temperatureSweep}. */
export const SWEEP_STUDENT_LATENCY = [0.3, 0.31, 0.29];

const STUDENT_PARAMS = 25_450;
const SEEDS = [0, 1, 2];

function curve(final: number): number[] {
  return [final - 0.02, final - 0.006, final];
}

/**
 * A temperature sweep as the orchestration logs it: a sweep parent run, one teacher shared by every
 * trial, one baseline per seed, and a distilled run per temperature (1, 4, 8) and seed (0, 1, 2);
 * plus a FAILED and a RUNNING distilled run, and an earlier run of temperature 4, seed 0 that a
 * later one replaced (accuracy 0.5, which must not count).
 */
export function temperatureSweep(): FixtureRun[] {
  const sweepTags = { 'kdlab.invocation': 'inv-sweep', 'kdlab.sweep_id': 'sweep-1' };
  const base = { 'student.model.hidden': '[30]', 'train.epochs': 3, 'losses.1.temperature': 4 };
  const runs: FixtureRun[] = [
    { name: 'sweep', role: 'sweep', tags: sweepTags },
    {
      name: 'teacher',
      role: 'teacher',
      parent: 'sweep',
      tags: { ...sweepTags, 'kdlab.model': 'mlp' },
      params: { ...base, seed: 0 },
      metrics: {
        'test/accuracy': SWEEP_TEACHER.accuracy,
        'test/best/accuracy': SWEEP_TEACHER.best,
        'model/params': SWEEP_TEACHER.params,
        'model/latency_ms': SWEEP_TEACHER.latencyMs,
        'val/accuracy': curve(SWEEP_TEACHER.accuracy),
      },
    },
  ];
  for (const seed of SEEDS) {
    runs.push({
      name: `baseline-s${seed}`,
      role: 'baseline',
      parent: 'sweep',
      tags: { ...sweepTags, 'kdlab.model': 'mlp' },
      params: { ...base, seed },
      metrics: {
        'test/accuracy': SWEEP_BASELINE[seed]!,
        'test/best/accuracy': SWEEP_BASELINE[seed]! + 0.0004,
        'model/params': STUDENT_PARAMS,
        'model/latency_ms': SWEEP_STUDENT_LATENCY[seed]!,
        'val/accuracy': curve(SWEEP_BASELINE[seed]!),
      },
    });
  }
  const distilled = (temperature: string, seed: number, accuracy: number, extra: Partial<FixtureRun> = {}): FixtureRun => ({
    name: `distilled-t${temperature}-s${seed}${extra.status ? `-${extra.status}` : ''}${extra.startTime ? '-early' : ''}`,
    role: 'distilled',
    parent: 'sweep',
    baseline: `baseline-s${Math.min(seed, 2)}`,
    teacher: 'teacher',
    tags: { ...sweepTags, 'kdlab.model': 'mlp', 'kdlab.trial_key': `t${temperature}-s${seed}` },
    params: { ...base, 'losses.1.temperature': temperature, 'sweep.losses.1.temperature': temperature, seed },
    metrics: {
      'test/accuracy': accuracy,
      'test/best/accuracy': accuracy + 0.0005,
      'model/params': STUDENT_PARAMS,
      'model/latency_ms': SWEEP_STUDENT_LATENCY[Math.min(seed, 2)]!,
      'val/accuracy': curve(accuracy),
    },
    ...extra,
  });
  runs.push(distilled('4', 0, 0.5, { startTime: 1_600_000_000_000 }));
  for (const temperature of Object.keys(SWEEP_DISTILLED)) {
    SEEDS.forEach((seed) => runs.push(distilled(temperature, seed, SWEEP_DISTILLED[temperature]![seed]!)));
  }
  runs.push(distilled('8', 3, 0.1, { status: 'FAILED' }));
  runs.push(distilled('1', 3, 0.1, { status: 'RUNNING' }));
  return runs;
}

/**
 * Two plain `kdlab run` invocations (no sweep tags): each a teacher, a baseline and a distilled run
 * sharing `kdlab.invocation`, with seeds 7 and 8.
 */
export function plainInvocations(): FixtureRun[] {
  const runs: FixtureRun[] = [];
  const values = [
    { seed: 7, teacher: 0.98, baseline: 0.95, distilled: 0.965 },
    { seed: 8, teacher: 0.982, baseline: 0.952, distilled: 0.97 },
  ];
  for (const value of values) {
    const tags = { 'kdlab.invocation': `inv-${value.seed}`, 'kdlab.model': 'mlp' };
    const params = { seed: value.seed, 'losses.1.temperature': 4 };
    runs.push({ name: `teacher-${value.seed}`, role: 'teacher', tags, params, metrics: { 'test/accuracy': value.teacher, 'model/params': 1000 } });
    runs.push({ name: `baseline-${value.seed}`, role: 'baseline', tags, params, metrics: { 'test/accuracy': value.baseline, 'model/params': 250 } });
    runs.push({ name: `distilled-${value.seed}`, role: 'distilled', tags, params, metrics: { 'test/accuracy': value.distilled, 'model/params': 250 } });
  }
  return runs;
}

/**
 * A two-path sweep (temperature 2, 4 x hidden [30], [100] x seeds 0, 1) with one baseline per hidden
 * size and seed and one shared teacher: for the plots' series and per-group baseline rows.
 */
export function twoPathSweep(): FixtureRun[] {
  const sweepTags = { 'kdlab.invocation': 'inv-two', 'kdlab.sweep_id': 'sweep-2', 'kdlab.model': 'mlp' };
  const runs: FixtureRun[] = [
    { name: 'sweep', role: 'sweep', tags: sweepTags },
    {
      name: 'teacher',
      role: 'teacher',
      parent: 'sweep',
      tags: sweepTags,
      params: { seed: 0 },
      metrics: { 'test/accuracy': 0.99, 'test/best/accuracy': 0.99, 'model/params': 100_000, 'model/latency_ms': 1, 'val/accuracy': [0.95, 0.98, 0.99] },
    },
  ];
  const hiddenSizes = { '[30]': 0.95, '[100]': 0.965 };
  for (const [hidden, level] of Object.entries(hiddenSizes)) {
    for (const seed of [0, 1]) {
      runs.push({
        name: `baseline-h${hidden}-s${seed}`,
        role: 'baseline',
        parent: 'sweep',
        tags: sweepTags,
        params: { 'student.model.hidden': hidden, seed },
        metrics: { 'test/accuracy': level + seed * 0.002, 'test/best/accuracy': level + 0.001, 'model/params': 1000, 'model/latency_ms': 0.2, 'val/accuracy': [0.9, 0.93, level] },
      });
    }
  }
  for (const temperature of ['2', '4']) {
    for (const [hidden, level] of Object.entries(hiddenSizes)) {
      for (const seed of [0, 1]) {
        const accuracy = level + 0.01 + Number(temperature) * 0.001 + seed * 0.003;
        runs.push({
          name: `distilled-t${temperature}-h${hidden}-s${seed}`,
          role: 'distilled',
          parent: 'sweep',
          baseline: `baseline-h${hidden}-s${seed}`,
          teacher: 'teacher',
          tags: sweepTags,
          params: {
            'losses.1.temperature': temperature,
            'sweep.losses.1.temperature': temperature,
            'student.model.hidden': hidden,
            'sweep.student.model.hidden': hidden,
            seed,
          },
          metrics: { 'test/accuracy': accuracy, 'test/best/accuracy': accuracy + 0.001, 'model/params': 1000, 'model/latency_ms': 0.25, 'val/accuracy': [0.9, 0.94, accuracy] },
        });
      }
    }
  }
  return runs;
}
