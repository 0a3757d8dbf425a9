import { describe, expect, it } from 'vitest';
import { describeTrial, expandSweep, isSweep } from '../src/experiment/expand-sweep.js';

const experiment = {
  name: 's',
  student: { model: { kind: 'mlp', hidden: [800, 800] } },
  losses: [{ kind: 'ce' }, { kind: 'hinton', temperature: 4 }],
  sweep: { 'losses.1.temperature': [1, 8], 'student.model.hidden': [[30], [300, 300]] },
  seeds: [0, 1, 2],
};

describe('expandSweep', () => {
  it('makes one trial per grid point and seed, seeds varying fastest, with the values applied', () => {
    const trials = expandSweep(experiment);
    expect(trials).toHaveLength(12);
    expect(trials.map((t) => t.seed)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(trials[3]!.values).toEqual({ 'losses.1.temperature': 1, 'student.model.hidden': [300, 300] });
    const exp = trials[3]!.experiment as typeof experiment & { studentSeed: number; seed?: number };
    expect(exp.losses[1]).toEqual({ kind: 'hinton', temperature: 1 });
    expect(exp.student.model.hidden).toEqual([300, 300]);
    expect(exp.studentSeed).toBe(0);
    expect(exp.seed).toBeUndefined(); // the split and the teacher keep the experiment's seed
    expect('sweep' in exp || 'seeds' in exp).toBe(false);
    expect(experiment.losses[1]!.temperature).toBe(4);
    expect(describeTrial(trials[3]!)).toBe('losses.1.temperature=1, student.model.hidden=[300,300], seed=0');
  });

  it('is a single trial with the experiment seed when nothing is swept', () => {
    const { sweep: _s, seeds: _d, ...plain } = experiment;
    const trials = expandSweep({ ...plain, seed: 5 });
    expect(trials).toHaveLength(1);
    expect(trials[0]!.seed).toBe(5);
    expect(trials[0]!.experiment).toEqual({ ...plain, seed: 5 });
    expect(isSweep({ ...plain, seed: 5 })).toBe(false);
    expect(isSweep({ ...plain, seeds: [1, 2] })).toBe(true);
  });
});
