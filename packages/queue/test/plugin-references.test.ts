import { describe, expect, it } from 'vitest';
import type { ResolvedExperiment } from '@kdlab/core';
import { missingPlugins, pluginReferences, type PluginIdSource, type PluginReferences } from '@kdlab/queue';

/** A resolved experiment with the fields `pluginReferences` reads. */
const experimentOf = (fields: Record<string, unknown>): ResolvedExperiment =>
  ({ name: 'x', data: { dataset: 'mnist' }, train: { epochs: 1 }, baseline: true, seed: 0, studentSeed: 0, ...fields }) as unknown as ResolvedExperiment;

/** A registry holding these ids. */
const registry = (...ids: string[]): PluginIdSource => ({ has: (id) => ids.includes(id) });

describe('pluginReferences', () => {
  it('lists the teacher, the student, the loss terms and the dataset of a single-stage experiment, each once', () => {
    const experiment = experimentOf({
      teacher: { model: { kind: 'cnn', channels: 8 }, train: { epochs: 2 } },
      student: { model: { kind: 'mlp' } },
      losses: [
        { kind: 'kd', weight: 0.5, temperature: 4 },
        { kind: 'ce', weight: 0.5 },
        { kind: 'kd', weight: 0.1, temperature: 8 },
      ],
    });
    expect(pluginReferences(experiment)).toEqual({ losses: ['kd', 'ce'], models: ['cnn', 'mlp'], datasets: ['mnist'], prunings: [] });
  });

  it("lists every ensemble member's model, every stage's losses and prunings, and a student that is also a member once", () => {
    const experiment = experimentOf({
      data: { dataset: 'cifar10', transfer: 'unlabelled' },
      teacher: {
        ensemble: [
          { model: { kind: 'resnet' }, train: { epochs: 2 } },
          { model: { kind: 'wide-resnet' }, train: { epochs: 2 } },
          { model: { kind: 'resnet' }, train: { epochs: 3 }, seed: 9 },
        ],
        combine: 'mean-logits',
      },
      student: { model: { kind: 'wide-resnet', width: 1 } },
      stages: [
        { epochs: 2, losses: [{ kind: 'fitnet-hint', weight: 1 }], trainable: { upTo: 'block2' } },
        { epochs: 5, losses: [{ kind: 'kd', weight: 1 }, { kind: 'ce', weight: 1 }], prune: { kind: 'magnitude', sparsity: 0.5 } },
        { epochs: 1, losses: [{ kind: 'kd', weight: 1 }], prune: { kind: 'magnitude', sparsity: 0.8 } },
        { epochs: 1, losses: [{ kind: 'ce', weight: 1 }], prune: { kind: 'channel', amount: 0.2 } },
      ],
    });
    expect(pluginReferences(experiment)).toEqual({
      losses: ['fitnet-hint', 'kd', 'ce'],
      models: ['resnet', 'wide-resnet'],
      datasets: ['cifar10'],
      prunings: ['magnitude', 'channel'],
    });
  });

  it('takes the losses of both the experiment and its stages when both are there', () => {
    const experiment = experimentOf({
      teacher: { model: { kind: 'cnn' }, train: { epochs: 1 } },
      student: { model: { kind: 'mlp' } },
      losses: [{ kind: 'ce', weight: 1 }],
      stages: [{ epochs: 1, losses: [{ kind: 'attention-transfer', weight: 1 }, { kind: 'ce', weight: 1 }] }],
    });
    expect(pluginReferences(experiment).losses).toEqual(['ce', 'attention-transfer']);
  });

  it('is plain JSON, as a job payload carries it', () => {
    const references = pluginReferences(experimentOf({ teacher: { model: { kind: 'cnn' }, train: {} }, student: { model: { kind: 'mlp' } }, losses: [{ kind: 'kd', weight: 1 }] }));
    expect(JSON.parse(JSON.stringify(references))).toEqual(references);
  });
});

describe('missingPlugins', () => {
  const references: PluginReferences = { losses: ['kd', 'fitnet-hint'], models: ['cnn', 'resnet'], datasets: ['cifar10'], prunings: ['magnitude'] };

  it('is empty when the worker has every plugin the job needs', () => {
    const registries = { losses: registry('kd', 'fitnet-hint', 'ce'), models: registry('cnn', 'resnet'), datasets: registry('cifar10', 'mnist'), prunings: registry('magnitude') };
    expect(missingPlugins(references, registries)).toEqual([]);
  });

  it('names each missing plugin with its kind, losses first, then models, datasets and prunings', () => {
    const registries = { losses: registry('kd'), models: registry('cnn'), datasets: registry('mnist'), prunings: registry() };
    expect(missingPlugins(references, registries)).toEqual(['loss "fitnet-hint"', 'model "resnet"', 'dataset "cifar10"', 'pruning "magnitude"']);
  });

  it('looks each id up in its own registry: a model id in the loss registry does not count', () => {
    const registries = { losses: registry('cnn', 'resnet', 'kd', 'fitnet-hint'), models: registry(), datasets: registry('cifar10'), prunings: registry('magnitude') };
    expect(missingPlugins(references, registries)).toEqual(['model "cnn"', 'model "resnet"']);
  });
});
