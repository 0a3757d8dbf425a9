import { beforeAll, describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries, selectBackend, trainModel, trainSettingsSchema, type Dataset } from '@kdlab/core';
import { datasetsModule, SPAM_ASSASSIN_SEQUENCE_LENGTH, SPAM_ASSASSIN_VOCAB_SIZE } from '@kdlab/data';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { studentsModule, transformerModel } from '@kdlab/students';

const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
let data: Dataset;

beforeAll(async () => {
  await selectBackend('wasm');
  data = await registries.datasets.get('spam-assassin').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 600 });
});

describe('spam-assassin with a token transformer', () => {
  it('learns: a one-layer transformer over WordPiece ids beats the majority class on validation after 2 epochs on 600 mails', async () => {
    expect(data.inputShape).toEqual([SPAM_ASSASSIN_SEQUENCE_LENGTH]);
    const model = transformerModel.build(
      transformerModel.options.parse({ embedding: 'tokens', vocabSize: SPAM_ASSASSIN_VOCAB_SIZE, maxLength: SPAM_ASSASSIN_SEQUENCE_LENGTH, hidden: 32, layers: 1, heads: 2 }),
      { inputShape: data.inputShape, numClasses: 2, seed: 1 },
    );
    try {
      const settings = trainSettingsSchema.parse({ epochs: 2, batchSize: 32, optimizer: { kind: 'adam', learningRate: 0.002 } });
      const context = { numClasses: 2, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: data.train.count, hasTeacher: false };
      const ce = { name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), context) };
      const started = performance.now();
      const result = await trainModel({ model, stages: [{ name: 'train', terms: [ce], settings }], data, seed: 1 });
      const majority = Math.max(...[0, 1].map((label) => data.val.y.filter((y) => y === label).length)) / data.val.count;
      console.log(
        `spam-assassin transformer: 2 epochs on ${data.train.count} mails in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
          `val accuracy by epoch ${result.epochs.map((epoch) => epoch.valAccuracy.toFixed(3)).join(', ')} (majority class ${majority.toFixed(3)}); test ${result.testLast.accuracy.toFixed(3)}`,
      );
      expect(result.bestValAccuracy).toBeGreaterThan(majority + 0.05);
      expect(result.testLast.accuracy).toBeGreaterThan(majority);
    } finally {
      model.dispose();
    }
  });
});
