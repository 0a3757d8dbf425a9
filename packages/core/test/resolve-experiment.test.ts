import { describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries } from '../src/container/create-container.js';
import { pluginModule } from '../src/container/plugin-module.js';
import { ExperimentValidationError } from '../src/experiment/validation-error.js';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { fakeCe, fakeDigits, fakeHinton, fakeMlp } from './support/fake-plugins.js';

const registries = pluginRegistries(createRootContainer(pluginModule({ losses: [fakeCe, fakeHinton], models: [fakeMlp], datasets: [fakeDigits] })));

const valid = {
  name: 'study',
  teacher: { model: { kind: 'mlp', hidden: [32] }, train: { epochs: 3 } },
  student: { model: { kind: 'mlp' } },
  losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', temperature: 2, weight: 0.7 }],
  train: { epochs: 5, optimizer: { kind: 'sgd' } },
};

function issuesOf(raw: unknown): { path: string; message: string }[] {
  try {
    resolveExperiment(raw, registries, 'experiments/study.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentValidationError);
    expect((error as Error).message).toMatch(/^experiments\/study\.ts: invalid experiment/);
    return [...(error as ExperimentValidationError).issues];
  }
  throw new Error('expected a validation error');
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
    const resolved = resolveExperiment(valid, registries, 'x.ts');
    expect(resolved.teacher.train.epochs).toBe(3);
    expect(resolved.teacher.train.optimizer.kind).toBe('sgd');
    expect(resolved.teacher.train.batchSize).toBe(128);
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

  it('rejects an unknown dataset with the path data.dataset', () => {
    const issues = issuesOf({ ...valid, data: { dataset: 'imagenet' } });
    expect(issues).toEqual([{ path: 'data.dataset', message: 'unknown dataset "imagenet"; registered: mnist-10k' }]);
  });
});
