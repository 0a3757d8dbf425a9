import { selectBackend, trainMaskedLanguageModel, trainSettingsSchema, type Dataset, type MetricPoint, type TokenVocabulary } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformerModel, transformerOptions, type LayersModelAdapter, type TransformerOptions } from '../src/index.js';

const LENGTH = 12;
const CYCLE = 20;
const vocabulary: TokenVocabulary = { vocabSize: 5 + CYCLE, specialTokenIds: { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 } };

/**
 * A synthetic corpus whose hidden tokens its neighbours give away: each row is `[CLS]`, a run of
 * consecutive ids (mod 20, from a random start, of random length), `[SEP]`, then `[PAD]`.
 */
function corpus(count: number, seed: string): Dataset['train'] {
  const random = seedrandom.alea(seed);
  const x = new Float32Array(count * LENGTH);
  for (let row = 0; row < count; row += 1) {
    const start = Math.floor(random() * CYCLE);
    const used = 6 + Math.floor(random() * (LENGTH - 6 + 1));
    x[row * LENGTH] = 2;
    for (let i = 1; i < used - 1; i += 1) x[row * LENGTH + i] = 5 + ((start + i) % CYCLE);
    x[row * LENGTH + used - 1] = 3;
  }
  return { x, y: new Int32Array(count), count };
}

const data: Dataset = { name: 'runs', inputShape: [LENGTH], numClasses: 2, classNames: ['a', 'b'], train: corpus(480, 'train'), val: corpus(160, 'val'), test: corpus(16, 'test'), source: 'test' };

function build(options: Partial<TransformerOptions>): LayersModelAdapter {
  return transformerModel.build(transformerOptions.parse({ vocabSize: vocabulary.vocabSize, hidden: 32, heads: 2, layers: 2, feedForward: 64, ...options }), {
    inputShape: [LENGTH],
    numClasses: 2,
    seed: 3,
  }) as LayersModelAdapter;
}

describe('masked-language-model pre-training of a token transformer', () => {
  // wasm with kdlab's kernels: tfjs' own cpu backend takes about 1 s per step here (its Tile gradient)
  beforeAll(() => selectBackend('wasm'));

  it.each([
    ['post norm, [CLS]', {}],
    ['pre norm, mean pooling', { norm: 'pre', pooling: 'mean' }],
  ] as const)('learns to predict hidden tokens from their context far above the unigram baseline (%s), and leaves the classifier alone', async (_label, options) => {
    const model = build(options);
    const classifier = model.layersModel.getLayer('logits').getWeights().map((w) => w.dataSync().slice());
    const points: MetricPoint[] = [];
    const tensors = tf.memory().numTensors;
    const result = await trainMaskedLanguageModel({
      model,
      data,
      vocabulary,
      rule: { maskRate: 0.15, maskTokenRate: 0.8, randomTokenRate: 0.1 },
      settings: trainSettingsSchema.parse({ epochs: 12, batchSize: 32, optimizer: { kind: 'adam', learningRate: 0.003 } }),
      seed: 5,
      onMetrics: (batch) => void points.push(...batch),
    });
    const accuracies = result.epochs.map((epoch) => epoch.valMaskedAccuracy);
    console.log(`MLM on runs of ids (${_label}): val masked accuracy by epoch ${accuracies.map((a) => a.toFixed(3)).join(', ')}; loss ${result.epochs[0]!.loss.toFixed(2)} -> ${result.epochs.at(-1)!.loss.toFixed(2)}`);
    // the unigram baseline: always the validation rows' most frequent regular id (about 1 in 20)
    const counts = new Map<number, number>();
    data.val.x.forEach((id) => id >= 5 && counts.set(id, (counts.get(id) ?? 0) + 1));
    const unigram = Math.max(...counts.values()) / [...counts.values()].reduce((a, b) => a + b, 0);
    expect(unigram).toBeLessThan(0.07);
    expect(result.epochs.at(-1)!.valMaskedAccuracy).toBeGreaterThan(0.6);
    expect(result.epochs.at(-1)!.loss).toBeLessThan(result.epochs[0]!.loss);
    expect(model.layersModel.getLayer('logits').getWeights().map((w) => w.dataSync().slice())).toEqual(classifier);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.headParams).toBe(32 * 32 + 32 + 2 * 32 + vocabulary.vocabSize);
    const keys = new Set(points.map((point) => point.key));
    for (const key of ['pretrain/loss', 'pretrain/masked_accuracy', 'pretrain/val_loss', 'pretrain/val_masked_accuracy', 'pretrain/epoch_s', 'pretrain/head_params', 'time/pretrain_s']) expect(keys).toContain(key);
    expect(points.filter((point) => point.key === 'pretrain/loss').map((point) => point.step)).toEqual(result.epochs.map((epoch) => epoch.epoch));
    model.dispose();
  });

  it('is a function of its seed: the same seed pre-trains the same weights', async () => {
    const run = async () => {
      const model = build({ layers: 1, dropout: 0.1 });
      await trainMaskedLanguageModel({ model, data, vocabulary, rule: { maskRate: 0.15, maskTokenRate: 0.8, randomTokenRate: 0.1 }, settings: trainSettingsSchema.parse({ epochs: 1, batchSize: 64 }), seed: 9 });
      const weights = model.allVariables().map((v) => Array.from(v.dataSync()));
      model.dispose();
      return weights;
    };
    expect(await run()).toEqual(await run());
  });

  it('token states read the last layer at the input positions: [CLS] left out, the final norm applied with pre norm', () => {
    for (const options of [{}, { norm: 'pre' as const, pooling: 'mean' as const }]) {
      const model = build(options);
      const ids = tf.tensor2d([Array.from(data.train.x.slice(0, LENGTH))]);
      const { logits, features } = model.forward(ids, { training: false });
      const states = model.tokenStates!().read(features);
      expect(states.shape).toEqual([1, LENGTH, 32]);
      const last = features['layer2']!;
      const expected = tf.tidy(() => {
        const normed = options.norm === 'pre' ? (model.layersModel.getLayer('final_norm').apply(last) as tf.Tensor) : last;
        return options.pooling === 'mean' ? normed : tf.slice(normed, [0, 1, 0], [1, LENGTH, 32]);
      });
      expect(Array.from(states.dataSync())).toEqual(Array.from(expected.dataSync()));
      expect(model.tokenStates!().embedding.shape).toEqual([vocabulary.vocabSize, 32]);
      tf.dispose([ids, logits, states, expected, ...Object.values(features)]);
      model.dispose();
    }
    const image = transformerModel.build(transformerOptions.parse({ hidden: 8, heads: 2, layers: 1, patchSize: 2 }), { inputShape: [4, 4, 1], numClasses: 2, seed: 0 }) as LayersModelAdapter;
    expect(image.tokenStates).toBeUndefined();
    image.dispose();
  });
});
