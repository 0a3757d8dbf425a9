import { describe, expect, it } from 'vitest';
import { checkPlan, configHash } from '@kdlab/runner';
import { createRootContainer, defineDataset, ExperimentValidationError, pluginModule, pluginRegistries, resolveExperiment } from '@kdlab/core';
import { datasetsModule, SPECIAL_TOKEN_IDS, type TokenizedTextDataset } from '@kdlab/data';
import { lossesModule } from '@kdlab/losses';
import { studentsModule } from '@kdlab/students';

// `teacher.pretrain` is checked before anything trains: its rates when the experiment is validated,
// its data and model when the plan is checked, each problem naming its field.
const LENGTH = 8;
const rows = (count: number) => ({ x: Float32Array.from({ length: count * LENGTH }, (_, i) => (i % LENGTH === 0 ? 2 : 5 + (i % 11))), y: Int32Array.from({ length: count }, (_, i) => i % 2), count });
const tokens = defineDataset({
  id: 'tiny-tokens',
  description: 'a few rows of token ids with a vocabulary of 20',
  load: async () => ({ name: 'tiny-tokens', inputShape: [LENGTH], numClasses: 2, classNames: ['a', 'b'], train: rows(8), val: rows(4), test: rows(4), source: 'test', vocabSize: 20, specialTokenIds: SPECIAL_TOKEN_IDS }) as unknown as TokenizedTextDataset,
});
const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule, pluginModule({ datasets: [tokens] })));

const tokenTransformer = { kind: 'transformer', vocabSize: 20, hidden: 8, heads: 2, layers: 2, feedForward: 16 };

function raw(teacher: Record<string, unknown>, dataset = 'tiny-tokens'): Record<string, unknown> {
  return {
    name: 'pretrain-plan',
    data: { dataset, limitTrain: dataset === 'mnist-10k' ? 100 : undefined },
    teacher,
    student: { model: { ...tokenTransformer, layers: 1 } },
    losses: [{ kind: 'ce', weight: 1 }],
    train: { epochs: 1 },
  };
}

async function planIssues(teacher: Record<string, unknown>, dataset?: string) {
  const experiment = resolveExperiment(raw(teacher, dataset), registries, 'test');
  return checkPlan([{ trial: { index: 0, values: {}, seed: experiment.seed, experiment: raw(teacher, dataset) }, experiment }], registries, false);
}

function validationIssues(teacher: Record<string, unknown>): readonly { path: string; message: string }[] {
  try {
    resolveExperiment(raw(teacher), registries, 'test');
  } catch (error) {
    if (error instanceof ExperimentValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('teacher.pretrain, checked before anything trains', () => {
  it('resolves BERT\'s rates, the teacher\'s batch size and optimizer, and changes the config hash only when given', () => {
    const without = resolveExperiment(raw({ model: tokenTransformer, train: { batchSize: 4 } }), registries, 'test');
    const withPretrain = resolveExperiment(raw({ model: tokenTransformer, train: { batchSize: 4 }, pretrain: { objective: 'mlm', epochs: 2 } }), registries, 'test');
    expect('pretrain' in without.teacher).toBe(false);
    expect((withPretrain.teacher as { pretrain?: unknown }).pretrain).toEqual({
      objective: 'mlm',
      maskRate: 0.15,
      maskTokenRate: 0.8,
      randomTokenRate: 0.1,
      train: { epochs: 2, batchSize: 4, optimizer: { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, weightDecay: 0 },
    });
    expect(configHash(withPretrain)).not.toBe(configHash(without));
  });

  it('a rate out of range, or rates that add up past 1, name their field when the experiment is validated', () => {
    expect(validationIssues({ model: tokenTransformer, pretrain: { objective: 'mlm', epochs: 1, maskRate: 1.5 } }).map((issue) => issue.path)).toEqual(['teacher.pretrain.maskRate']);
    expect(validationIssues({ model: tokenTransformer, pretrain: { objective: 'mlm', epochs: 1, maskRate: 0 } }).map((issue) => issue.path)).toEqual(['teacher.pretrain.maskRate']);
    const sum = validationIssues({ model: tokenTransformer, pretrain: { objective: 'mlm', epochs: 1, maskTokenRate: 0.95, randomTokenRate: 0.1 } });
    expect(sum).toEqual([{ path: 'teacher.pretrain.randomTokenRate', message: expect.stringMatching(/maskTokenRate \+ randomTokenRate must be at most 1/) }]);
    expect(validationIssues({ model: tokenTransformer, pretrain: { objective: 'clm', epochs: 1 } }).map((issue) => issue.path)).toEqual(['teacher.pretrain.objective']);
    expect(validationIssues({ model: tokenTransformer, pretrain: { objective: 'mlm' } }).map((issue) => issue.path)).toEqual(['teacher.pretrain.epochs']);
  });

  it('finds nothing wrong with a token transformer on token data', async () => {
    expect(await planIssues({ model: tokenTransformer, pretrain: { objective: 'mlm', epochs: 1 } })).toEqual([]);
  });

  it('names teacher.pretrain for data that are not token ids', async () => {
    const issues = await planIssues({ model: { kind: 'mlp', hidden: [8] }, pretrain: { objective: 'mlm', epochs: 1 } }, 'mnist-10k');
    expect(issues).toEqual([{ path: 'teacher.pretrain', message: expect.stringMatching(/needs a dataset of token ids .*"mnist-10k" \(input \[28, 28, 1\]\) does not/) }]);
  });

  it('names teacher.model for a model without token states, and its vocabSize when the embedding is too small', async () => {
    expect(await planIssues({ model: { kind: 'mlp', hidden: [8] }, pretrain: { objective: 'mlm', epochs: 1 } })).toEqual([
      { path: 'teacher.model', message: expect.stringMatching(/needs a model with per-token hidden states .*the mlp model has none/) },
    ]);
    expect(await planIssues({ model: { ...tokenTransformer, vocabSize: 12 }, pretrain: { objective: 'mlm', epochs: 1 } })).toContainEqual({
      path: 'teacher.model.vocabSize',
      message: 'the model\'s token embedding has 12 rows, fewer than the 20 ids of "tiny-tokens": set vocabSize to 20.',
    });
  });

  it('names the ensemble member at fault', async () => {
    const issues = await planIssues({ ensemble: [{ model: tokenTransformer, pretrain: { objective: 'mlm', epochs: 1 } }, { model: { kind: 'mlp', hidden: [8] }, pretrain: { objective: 'mlm', epochs: 1 } }] });
    expect(issues.map((issue) => issue.path)).toEqual(['teacher.ensemble.1.model']);
  });
});
