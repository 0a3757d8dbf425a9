import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { pruningsModule } from '../src/prune/prunings-module.js';
import { configHash } from '../../runner/src/config-hash.js';
import { fakeRegistries, validationErrorOf } from './support/fake-registries.js';

const registries = fakeRegistries(pruningsModule);

const staged = (second: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'study',
  teacher: { model: { kind: 'mlp' } },
  student: { model: { kind: 'mlp' } },
  stages: [{ epochs: 2, losses: [{ kind: 'ce' }] }, { epochs: 3, losses: [{ kind: 'hinton' }], ...second }],
  ...extra,
});

function issuesOf(raw: unknown): { path: string; message: string }[] {
  return [...validationErrorOf(() => resolveExperiment(raw, registries, 'study.ts')).issues];
}

describe('a stage\'s prune', () => {
  it('is resolved through its plugin\'s schema, its defaults filled in; a stage without one has no prune at all', () => {
    const resolved = resolveExperiment(staged({ prune: { kind: 'magnitude', sparsity: 0.9, schedule: 'polynomial', endEpoch: 2 } }), registries, 'study.ts');
    expect(resolved.stages![1]!.prune).toEqual({ kind: 'magnitude', sparsity: 0.9, schedule: 'polynomial', endEpoch: 2, scope: 'layer', initialSparsity: 0, startEpoch: 0, frequency: 100 });
    expect(resolved.stages![0]).not.toHaveProperty('prune');
  });

  it('leaves the config hash of an experiment without pruning as it was', () => {
    const resolved = resolveExperiment(staged({}), registries, 'study.ts');
    expect(JSON.stringify(resolved.stages)).not.toContain('prune');
    expect(configHash(resolved)).toBe(configHash(resolveExperiment(staged({}), registries, 'study.ts')));
    expect(configHash(resolveExperiment(staged({ prune: { kind: 'magnitude', sparsity: 0.5 } }), registries, 'study.ts'))).not.toBe(configHash(resolved));
  });

  it('names the field of a bad option, an unknown option or an unknown pruning', () => {
    expect(issuesOf(staged({ prune: { kind: 'magnitude', sparsity: 1.5 } }))).toEqual([{ path: 'stages.1.prune.sparsity', message: 'sparsity must be below 1: a tensor with every weight pruned computes nothing' }]);
    expect(issuesOf(staged({ prune: { kind: 'magnitude', sparsity: 0.5, schedule: 'polynomial' } })).map((issue) => issue.path)).toEqual(['stages.1.prune.endEpoch']);
    expect(issuesOf(staged({ prune: { kind: 'magnitude', sparsity: 0.5, sparsty: 0.5 } })).map((issue) => issue.path)).toEqual(['stages.1.prune']);
    expect(issuesOf(staged({ prune: { kind: 'random', sparsity: 0.5 } }))).toEqual([{ path: 'stages.1.prune.kind', message: 'unknown pruning "random"; registered: magnitude' }]);
    expect(issuesOf(staged({ prune: { sparsity: 0.5 } })).map((issue) => issue.path)).toEqual(['stages.1.prune.kind']);
  });

  it('is checked even when a core field is wrong too, so one run of the validator reports both', () => {
    const issues = issuesOf(staged({ prune: { kind: 'magnitude', sparsity: -1 } }, { baseline: 'yes' }));
    expect(issues.map((issue) => issue.path).sort()).toEqual(['baseline', 'stages.1.prune.sparsity']);
  });
});
