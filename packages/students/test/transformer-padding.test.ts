import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadKdlabModel,
  MaskedMeanPooling,
  MultiHeadSelfAttention,
  PaddingMask,
  transformerModel,
  transformerOptions,
  type LayersModelAdapter,
  type TransformerOptions,
} from '../src/index.js';
import { expectPaddingIgnored, paddingCases } from './support/padding-invariance.js';
import { useCpuBackend } from './use-cpu-backend.js';

function build(options: Partial<TransformerOptions>, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return transformerModel.build(transformerOptions.parse({ vocabSize: 20, hidden: 8, heads: 2, layers: 2, feedForward: 12, maxLength: 10, ...options }), {
    inputShape: [6],
    numClasses: 3,
    seed: 4,
    ...context,
  }) as LayersModelAdapter;
}

describe('transformer padding mask', () => {
  beforeAll(useCpuBackend);

  it('is on with token ids (pad id 0 unless padId says otherwise), off with padId null and for images', () => {
    const names = (model: LayersModelAdapter) => model.layersModel.layers.map((layer) => layer.getClassName());
    const tokens = build({});
    expect(names(tokens)).toContain('PaddingMask');
    expect((tokens.layersModel.getLayer('padding_mask') as PaddingMask).padId).toBe(0);
    const seven = build({ padId: 7, pooling: 'mean' });
    expect((seven.layersModel.getLayer('padding_mask') as PaddingMask).padId).toBe(7);
    expect(seven.layersModel.getLayer('pool')).toBeInstanceOf(MaskedMeanPooling);
    const off = build({ padId: null, pooling: 'mean' });
    expect(names(off)).not.toContain('PaddingMask');
    expect(names(off)).toContain('GlobalAveragePooling1D');
    const image = build({ vocabSize: undefined, maxLength: undefined, patchSize: 2 }, { inputShape: [4, 4, 1] });
    expect(names(image)).not.toContain('PaddingMask');
    // no new option in the parsed config: the config hash of an experiment that does not set it stays
    expect(transformerOptions.parse({ vocabSize: 20 })).not.toHaveProperty('padId');
    tf.dispose([tokens, seven, off, image].map((model) => (model.dispose(), [])).flat());
  });

  it('names padId when it does not fit', () => {
    expect(() => build({ padId: 20 })).toThrow(/padId 20 is not a token id of the vocabulary \(vocabSize 20\)/);
    expect(() => build({ vocabSize: undefined, maxLength: undefined, padId: 0 }, { inputShape: [4, 4, 1] })).toThrow(/padId applies to embedding "tokens" only/);
    expect(() => transformerOptions.parse({ padId: -1 })).toThrow(/padId/);
    expect(() => transformerOptions.parse({ padId: 0.5 })).toThrow(/padId/);
  });

  it.each(paddingCases)('answers the same for a text whatever its padding holds: %s', async (_label, options) => {
    await expectPaddingIgnored(options, (values, reference, message) => values.forEach((value, i) => expect(Math.abs(value - reference[i]!), message).toBeLessThan(1e-5)));
  });

  it('gives padded keys exactly zero attention, in every layer, head and query', () => {
    const model = build({});
    const ids = tf.tensor2d([[2, 5, 9, 3, 0, 0], [2, 11, 3, 0, 0, 0]]);
    const { logits, features } = model.forward(ids, { training: false });
    for (const name of ['layer1.attn', 'layer2.attn']) {
      const maps = features[name]!.arraySync() as number[][][][];
      // [CLS] then the ids: example 0 has 4 real ids, example 1 has 3
      maps.forEach((heads, example) =>
        heads.forEach((queries) =>
          queries.forEach((row) => {
            const real = 1 + (example === 0 ? 4 : 3);
            row.slice(real).forEach((weight) => expect(weight).toBe(0));
            expect(row.slice(0, real).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 5);
          }),
        ),
      );
    }
    tf.dispose([ids, logits, ...Object.values(features)]);
    model.dispose();
  });

  it('mean pooling averages the real tokens\' final states only', () => {
    const model = build({ pooling: 'mean' });
    const ids = tf.tensor2d([[4, 5, 9, 3, 0, 0], [4, 5, 9, 3, 8, 1]]);
    const { logits, features } = model.forward(ids, { training: false });
    const states = features['layer2']!.arraySync() as number[][][];
    const pooled = features['pool']!.arraySync() as number[][];
    const counts = [4, 6];
    states.forEach((sequence, example) => {
      const expected = sequence[0]!.map((_, unit) => sequence.slice(0, counts[example]).reduce((sum, state) => sum + state[unit]!, 0) / counts[example]!);
      expected.forEach((value, unit) => expect(pooled[example]![unit]).toBeCloseTo(value, 5));
    });
    tf.dispose([ids, logits, ...Object.values(features)]);
    model.dispose();
  });

  it('without the mask (padId null), padding changes what the model answers: the invariance is the mask\'s doing', () => {
    const masked = build({ pooling: 'mean' });
    const unmasked = build({ pooling: 'mean', padId: null });
    const short = tf.tensor2d([[4, 5, 9, 3, 0, 0]]);
    const long = tf.tensor2d([[4, 5, 9, 3, 0, 0, 0, 0, 0, 0]]);
    const longModels = [build({ pooling: 'mean' }, { inputShape: [10] }), build({ pooling: 'mean', padId: null }, { inputShape: [10] })];
    const answer = (model: LayersModelAdapter, ids: tf.Tensor) => tf.tidy(() => Array.from(model.forward(ids, { training: false }).logits.dataSync()));
    const difference = (a: number[], b: number[]) => Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
    expect(difference(answer(masked, short), answer(longModels[0]!, long))).toBeLessThan(1e-5);
    expect(difference(answer(unmasked, short), answer(longModels[1]!, long))).toBeGreaterThan(1e-3);
    tf.dispose([short, long]);
    [masked, unmasked, ...longModels].forEach((model) => model.dispose());
  });

  it('saves and loads back with its mask and masked pooling, answering the same', async () => {
    const model = build({ pooling: 'mean', padId: 7 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const topology = JSON.stringify(saved!.modelTopology);
    expect(topology).toContain('"class_name":"PaddingMask"');
    expect(topology).toContain('"class_name":"MaskedMeanPooling"');
    const loaded = await loadKdlabModel(tf.io.fromMemory(saved!));
    const ids = tf.tensor2d([[4, 5, 9, 3, 7, 7]]);
    const [a, b] = [model, loaded].map((m) => tf.tidy(() => Array.from(m.forward(ids, { training: false }).logits.dataSync())));
    expect(b).toEqual(a);
    tf.dispose(ids);
    model.dispose();
    loaded.dispose();
  });
});

describe('MultiHeadSelfAttention with a padding mask', () => {
  beforeAll(useCpuBackend);

  it('equals attention over the real keys only: a masked call matches an unmasked call on the trimmed sequence', () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([1, 5, 4], 0, 1, 'float32', 4);
    const mask = tf.tensor2d([[1, 1, 1, 0, 0]]);
    const [masked, maps] = layer.apply([x, mask]) as [tf.Tensor, tf.Tensor];
    const [trimmed, trimmedMaps] = layer.apply(tf.slice(x, [0, 0, 0], [1, 3, 4])) as [tf.Tensor, tf.Tensor];
    const kept = tf.slice(masked, [0, 0, 0], [1, 3, 4]);
    Array.from(kept.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(trimmed.dataSync()[i]!, 5));
    const keptMaps = tf.slice(maps, [0, 0, 0, 0], [1, 2, 3, 3]);
    Array.from(keptMaps.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(trimmedMaps.dataSync()[i]!, 5));
    tf.dispose([x, mask, masked, maps, trimmed, trimmedMaps, kept, keptMaps]);
  });

  it('attends anew when only the mask changed', () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 4);
    const [all, allMaps] = layer.apply([x, tf.ones([1, 3])]) as [tf.Tensor, tf.Tensor];
    const [two, twoMaps] = layer.apply([x, tf.tensor2d([[1, 1, 0]])]) as [tf.Tensor, tf.Tensor];
    expect(two).not.toBe(all);
    expect(Array.from(twoMaps.dataSync())).not.toEqual(Array.from(allMaps.dataSync()));
    tf.dispose([x, all, allMaps, two, twoMaps]);
  });

  it('connects [hidden states, mask] in a functional graph and checks the mask\'s shape', () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 1, name: 'attn' });
    const outputs = layer.apply([tfl.input({ shape: [5, 8] }), tfl.input({ shape: [5] })]) as tfl.SymbolicTensor[];
    expect(outputs.map((output) => output.shape)).toEqual([
      [null, 5, 8],
      [null, 2, 5, 5],
    ]);
    const other = new MultiHeadSelfAttention({ heads: 2, seed: 1, name: 'bad' });
    expect(() => other.apply([tfl.input({ shape: [5, 8] }), tfl.input({ shape: [4] })])).toThrow(/"bad": the padding mask covers 4 positions, the hidden states have 5/);
  });
});

describe('PaddingMask and MaskedMeanPooling', () => {
  beforeAll(useCpuBackend);

  it('PaddingMask marks real ids 1 and padding 0, reading float ids as the embedding does, with the [CLS] prefix real', () => {
    const mask = new PaddingMask({ padId: 0, prefix: 1 });
    tf.tidy(() => {
      expect((mask.apply(tf.tensor2d([[5, 0.4, 3, 0], [0, 0, 0, 0]])) as tf.Tensor).arraySync()).toEqual([
        [1, 1, 0, 1, 0],
        [1, 0, 0, 0, 0],
      ]);
    });
    expect(new PaddingMask({ padId: 7 }).getConfig()).toMatchObject({ padId: 7, prefix: 0 });
    expect(() => new PaddingMask({ padId: -1 })).toThrow(/padId/);
  });

  it('MaskedMeanPooling averages where the mask is 1, and a row of padding only pools to zeros', () => {
    const pool = new MaskedMeanPooling({});
    tf.tidy(() => {
      const x = tf.tensor3d([
        [[1, 2], [3, 4], [100, 100]],
        [[5, 6], [7, 8], [9, 10]],
      ]);
      expect((pool.apply([x, tf.tensor2d([[1, 1, 0], [0, 0, 0]])]) as tf.Tensor).arraySync()).toEqual([
        [2, 3],
        [0, 0],
      ]);
    });
    expect(() => pool.apply(tf.zeros([1, 2, 2]))).toThrow(/two inputs, \[hidden states, mask\]/);
  });

  it('are registered for deserialisation under their class names', () => {
    const registry = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of [PaddingMask, MaskedMeanPooling]) expect(registry[cls.className]?.[0]).toBe(cls);
  });
});
