import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { fakeRegistries, validationErrorOf } from './support/fake-registries.js';

const registries = fakeRegistries();

const valid = {
  name: 'study',
  teacher: { model: { kind: 'mlp', hidden: [32] }, train: { epochs: 3 } },
  student: { model: { kind: 'mlp' } },
  losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', temperature: 2, weight: 0.7 }],
  train: { epochs: 5 },
};

function resolve(raw: Record<string, unknown>) {
  return resolveExperiment({ ...valid, ...raw }, registries, 'x.ts');
}

function issuesOf(raw: Record<string, unknown>): { path: string; message: string }[] {
  return [...validationErrorOf(() => resolve(raw)).issues];
}

function singleTeacher(resolved: ReturnType<typeof resolve>) {
  if ('ensemble' in resolved.teacher) throw new Error('expected a single teacher');
  return resolved.teacher;
}

const needsClasses = { path: 'evaluate.biasShift.classes', message: 'name the classes to shift, or give a transfer set (data.transfer) that leaves classes out' };

describe('resolveExperiment: transfer set and bias shift', () => {
  it('keeps data.transfer as written, next to the data defaults', () => {
    const resolved = resolve({ data: { dataset: 'mnist-10k', limitTrain: 500, transfer: { omitClasses: [3], fraction: 0.5 } } });
    expect(resolved.data).toEqual({ dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 }, limitTrain: 500, transfer: { omitClasses: [3], fraction: 0.5 } });
    expect(resolve({}).data.transfer).toBeUndefined();
  });

  it('names data.transfer\'s fields in its errors', () => {
    expect(issuesOf({ data: { transfer: { classes: [1], omitClasses: [2] } } })).toEqual([{ path: 'data.transfer.omitClasses', message: 'give classes or omitClasses, not both' }]);
    expect(issuesOf({ data: { transfer: { count: 10, fraction: 0.1 } } })).toEqual([{ path: 'data.transfer.fraction', message: 'give count or fraction, not both' }]);
    expect(issuesOf({ data: { transfer: { count: 0 } } }).map((issue) => issue.path)).toEqual(['data.transfer.count']);
  });

  it('fills in the bias shift\'s grid, its classes coming from the transfer set', () => {
    const resolved = resolve({ data: { transfer: { omitClasses: [3] } }, evaluate: { biasShift: {} } });
    expect(resolved.evaluate).toEqual({ biasShift: { max: 10, step: 0.1 } });
    expect(resolve({}).evaluate).toBeUndefined();
    expect(resolve({ data: { transfer: { classes: [7, 8] } }, evaluate: { biasShift: { step: 0.5 } } }).evaluate).toEqual({ biasShift: { max: 10, step: 0.5 } });
  });

  it('accepts explicit classes to shift without a transfer set', () => {
    expect(resolve({ evaluate: { biasShift: { classes: [3], max: 5 } } }).evaluate).toEqual({ biasShift: { classes: [3], max: 5, step: 0.1 } });
  });

  it('asks for evaluate.biasShift.classes when no transfer set leaves classes out', () => {
    expect(issuesOf({ evaluate: { biasShift: {} } })).toEqual([needsClasses]);
    // a transfer set that only narrows the size leaves no class out
    expect(issuesOf({ data: { transfer: { count: 100 } }, evaluate: { biasShift: {} } })).toEqual([needsClasses]);
  });

  it('rejects unknown evaluate and bias-shift fields, and a bad grid, with their paths', () => {
    expect(issuesOf({ evaluate: { biasShift: { classes: [3] }, calibrate: true } }).map((issue) => issue.path)).toEqual(['evaluate']);
    expect(issuesOf({ evaluate: { biasShift: { classes: [3], step: 0 } } }).map((issue) => issue.path)).toEqual(['evaluate.biasShift.step']);
  });
});

describe('resolveExperiment: schedule, max-norm and augmentation', () => {
  it('leaves them off by default, for the students and the teacher', () => {
    const resolved = resolve({});
    const teacher = singleTeacher(resolved);
    for (const train of [resolved.train, teacher.train]) {
      expect(train.schedule).toBeUndefined();
      expect(train.maxNorm).toBeUndefined();
      expect(train.augment).toBeUndefined();
    }
  });

  it('fills in their defaults and gives them to the teacher too', () => {
    const resolved = resolve({ train: { epochs: 5, schedule: { kind: 'cosine' }, maxNorm: 3.5, augment: {} } });
    expect(resolved.train.schedule).toEqual({ kind: 'cosine', warmupEpochs: 0, final: 0 });
    expect(resolved.train.maxNorm).toBe(3.5);
    expect(resolved.train.augment).toEqual({ translate: 0 });
    const teacher = singleTeacher(resolved);
    expect(teacher.train.schedule).toEqual({ kind: 'cosine', warmupEpochs: 0, final: 0 });
    expect(teacher.train.maxNorm).toBe(3.5);
    expect(teacher.train.augment).toEqual({ translate: 0 });
    expect(teacher.train.epochs).toBe(3);
  });

  it('lets teacher.train override each of them for the teacher only', () => {
    const resolved = resolve({
      teacher: { model: { kind: 'mlp' }, train: { epochs: 3, schedule: { kind: 'constant' }, maxNorm: 15, augment: { translate: 2 } } },
      train: { epochs: 5, schedule: { kind: 'cosine', final: 0.1, warmupEpochs: 1 }, maxNorm: 4 },
    });
    const teacher = singleTeacher(resolved);
    expect(teacher.train.schedule).toEqual({ kind: 'constant' });
    expect(teacher.train.maxNorm).toBe(15);
    expect(teacher.train.augment).toEqual({ translate: 2 });
    expect(resolved.train.schedule).toEqual({ kind: 'cosine', final: 0.1, warmupEpochs: 1 });
    expect(resolved.train.maxNorm).toBe(4);
    expect(resolved.train.augment).toBeUndefined();
  });

  it('gives an ensemble\'s shared teacher.train to every member, under each member\'s own', () => {
    const resolved = resolve({
      teacher: {
        ensemble: [{ model: { kind: 'mlp' } }, { model: { kind: 'mlp' }, train: { augment: { translate: 1 } } }],
        train: { augment: { translate: 3 }, maxNorm: 2 },
      },
    });
    if (!('ensemble' in resolved.teacher)) throw new Error('expected an ensemble');
    expect(resolved.teacher.ensemble.map((member) => member.train.augment)).toEqual([{ translate: 3 }, { translate: 1 }]);
    expect(resolved.teacher.ensemble.map((member) => member.train.maxNorm)).toEqual([2, 2]);
  });

  it('names the field of a bad value, in train and in teacher.train', () => {
    expect(issuesOf({ train: { maxNorm: 0 } }).map((issue) => issue.path)).toEqual(['train.maxNorm']);
    expect(issuesOf({ train: { augment: { translate: 1.5 } } }).map((issue) => issue.path)).toEqual(['train.augment.translate']);
    expect(issuesOf({ train: { schedule: { kind: 'cosine', final: 2 } } }).map((issue) => issue.path)).toEqual(['train.schedule.final']);
    expect(issuesOf({ teacher: { model: { kind: 'mlp' }, train: { augment: { translate: 17 } } } }).map((issue) => issue.path)).toEqual(['teacher.train.augment.translate']);
    expect(issuesOf({ teacher: { model: { kind: 'mlp' }, train: { maxNorm: -1 } } }).map((issue) => issue.path)).toEqual(['teacher.train.maxNorm']);
  });
});
