import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { fakeRegistries, validationErrorOf } from './support/fake-registries.js';

const registries = fakeRegistries();

const valid = {
  name: 'study',
  teacher: { model: { kind: 'mlp', hidden: [32] }, train: { epochs: 3 } },
  student: { model: { kind: 'mlp' } },
  losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', temperature: 2, weight: 0.7 }],
  train: { epochs: 5, optimizer: { kind: 'sgd' } },
};

function issuesOf(raw: unknown): { path: string; message: string }[] {
  const error = validationErrorOf(() => resolveExperiment(raw, registries, 'experiments/study.ts'));
  expect(error.message).toMatch(/^experiments\/study\.ts: invalid experiment/);
  return [...error.issues];
}

describe('resolveExperiment', () => {
  it('fills in every default, the plugins\' options included', () => {
    const resolved = resolveExperiment(valid, registries, 'x.ts');
    expect(resolved.student.model).toEqual({ kind: 'mlp', hidden: [8], dropout: 0 });
    expect(resolved.losses).toEqual([
      { kind: 'ce', weight: 0.3, labelSmoothing: 0 },
      { kind: 'hinton', weight: 0.7, temperature: 2 },
    ]);
    expect(resolved.data).toEqual({ dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 } });
    expect(resolved.train.optimizer).toEqual({ kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false });
    expect(resolved.seed).toBe(0);
    expect(resolved.baseline).toBe(true);
  });

  it('gives the teacher the students\' settings except what teacher.train overrides', () => {
    const { teacher } = resolveExperiment(valid, registries, 'x.ts');
    if ('ensemble' in teacher) throw new Error('expected a single teacher');
    expect(teacher.train.epochs).toBe(3);
    expect(teacher.train.optimizer.kind).toBe('sgd');
    expect(teacher.train.batchSize).toBe(128);
  });

  it('names the field path of a bad plugin option', () => {
    const issues = issuesOf({ ...valid, losses: [{ kind: 'ce' }, { kind: 'hinton', temperature: -1 }] });
    expect(issues).toEqual([{ path: 'losses.1.temperature', message: expect.stringMatching(/>0/) }]);
  });

  it('names an unknown plugin and lists the registered ones', () => {
    const issues = issuesOf({ ...valid, losses: [{ kind: 'fitnetz' }] });
    expect(issues[0]).toEqual({ path: 'losses.0.kind', message: 'unknown loss "fitnetz"; registered: ce, hinton' });
  });

  it('rejects a misspelt option instead of ignoring it', () => {
    const issues = issuesOf({ ...valid, student: { model: { kind: 'mlp', hiden: [8] } } });
    expect(issues[0]!.path).toBe('student.model');
    expect(issues[0]!.message).toMatch(/hiden/);
  });

  it('reports every problem at once, with paths into the core schema too', () => {
    const issues = issuesOf({ ...valid, train: { epochs: 0 }, data: { dataset: 'mnist-10k', split: { train: 0.5, val: 0.1, test: 0.1 } } });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['data.split', 'train.epochs']);
  });

  it('resolves an ensemble: each member gets the shared settings under its own overrides', () => {
    const { teacher } = resolveExperiment(
      {
        ...valid,
        teacher: {
          ensemble: [{ model: { kind: 'mlp' }, seed: 1 }, { model: { kind: 'mlp', hidden: [16] }, train: { epochs: 7 } }],
          combine: { weights: [2, 1] },
          train: { epochs: 4 },
        },
      },
      registries,
      'x.ts',
    );
    if (!('ensemble' in teacher)) throw new Error('expected an ensemble');
    expect(teacher.ensemble.map((m) => m.train.epochs)).toEqual([4, 7]);
    expect(teacher.ensemble[0]!.seed).toBe(1);
    expect(teacher.combine).toEqual({ weights: [2, 1] });
  });

  it('names the path of a bad ensemble member, and a weights list of the wrong length', () => {
    const member = { model: { kind: 'mlp' } };
    expect(issuesOf({ ...valid, teacher: { ensemble: [member, { model: { kind: 'mlp', dropout: 2 } }] } })).toEqual([
      { path: 'teacher.ensemble.1.model.dropout', message: expect.stringMatching(/<1/) },
    ]);
    expect(issuesOf({ ...valid, teacher: { ensemble: [member, member], combine: { weights: [1] } } })[0]!.path).toMatch(/^teacher\.combine/);
  });

  it('resolves stages with scheduled weights, and needs losses or stages but not both', () => {
    const { losses: _drop, ...rest } = valid;
    const staged = {
      ...rest,
      stages: [
        { name: 'hints', epochs: 2, losses: [{ kind: 'ce' }], trainable: { upTo: 'hidden1' } },
        { epochs: 3, losses: [{ kind: 'hinton', weight: { schedule: 'linear', from: 4, to: 1 } }], optimizer: { kind: 'adam' } },
      ],
    };
    const resolved = resolveExperiment(staged, registries, 'x.ts');
    expect(resolved.stages![1]!.losses[0]).toEqual({ kind: 'hinton', weight: { schedule: 'linear', from: 4, to: 1 }, temperature: 4 });
    expect(resolved.stages![1]!.optimizer).toEqual({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(issuesOf({ ...staged, losses: valid.losses })[0]!.message).toMatch(/either losses .* or stages/);
    expect(issuesOf({ ...staged, stages: [{ epochs: 1, losses: [{ kind: 'hinton', temperature: 0 }] }] })[0]!.path).toBe('stages.0.losses.0.temperature');
  });

  it('rejects an unknown dataset with the path data.dataset', () => {
    const issues = issuesOf({ ...valid, data: { dataset: 'imagenet' } });
    expect(issues).toEqual([{ path: 'data.dataset', message: 'unknown dataset "imagenet"; registered: mnist-10k' }]);
  });
});
