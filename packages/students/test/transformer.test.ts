import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ClassToken,
  FirstToken,
  LearnedPositionEmbedding,
  MultiHeadSelfAttention,
  transformer,
  transformerModel,
  transformerOptions,
  type LayersModelAdapter,
  type TransformerOptions,
} from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const text: ModelBuildContext = { inputShape: [6], numClasses: 3, seed: 0 };

function build(options: Partial<TransformerOptions> = {}, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return transformerModel.build(transformerOptions.parse({ vocabSize: 20, hidden: 8, heads: 2, layers: 2, feedForward: 12, ...options }), { ...text, ...context }) as LayersModelAdapter;
}

/** Parameters of one encoder layer: four attention projections, two layer norms, the feed-forward network. */
const encoderLayerParams = (hidden: number, feedForward: number) => 4 * (hidden * hidden + hidden) + 2 * 2 * hidden + (hidden * feedForward + feedForward) + (feedForward * hidden + hidden);

describe('transformer', () => {
  beforeAll(useCpuBackend);

  it('defaults to 4 post-norm layers of hidden size 64 with 4 heads, [CLS] pooling and 4x4 patches', () => {
    expect(transformerOptions.parse({})).toEqual({ patchSize: 4, hidden: 64, layers: 4, heads: 4, dropout: 0, pooling: 'cls', norm: 'post' });
  });

  it('rejects bad options with the offending field in the error', () => {
    expect(() => transformerOptions.parse({ hidden: 10, heads: 4 })).toThrow(/heads[\s\S]*must divide hidden/);
    expect(() => transformerOptions.parse({ pooling: 'max' })).toThrow(/pooling/);
    expect(() => transformerOptions.parse({ embedding: 'pixels' })).toThrow(/embedding/);
    expect(() => transformerOptions.parse({ dropout: 1 })).toThrow(/dropout/);
  });

  it('the helper writes plain experiment data', () => {
    expect(transformer({ layers: 6, hidden: 128 })).toEqual({ kind: 'transformer', layers: 6, hidden: 128 });
  });

  it('counts a token model by hand: embeddings, [CLS], positions, embedding norm, layers, head', () => {
    const model = build();
    expect(model.paramCount()).toBe(20 * 8 + 8 + 7 * 8 + 2 * 8 + 2 * encoderLayerParams(8, 12) + 8 * 3 + 3);
    model.dispose();
    const longer = build({ maxLength: 10, pooling: 'mean', norm: 'pre' });
    // no [CLS]; a 10-row position table; a final norm instead of the embedding norm
    expect(longer.paramCount()).toBe(20 * 8 + 10 * 8 + 2 * encoderLayerParams(8, 12) + 2 * 8 + 8 * 3 + 3);
    longer.dispose();
  });

  it('has 205,066 parameters with its defaults on MNIST (49 patches of 4x4 and [CLS], hidden 64, 4 layers)', () => {
    const model = transformerModel.build(transformerOptions.parse({}), { inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
    expect(model.paramCount()).toBe(4 * 4 * 64 + 64 + 64 + 50 * 64 + 2 * 64 + 4 * encoderLayerParams(64, 256) + 64 * 10 + 10);
    expect(model.paramCount()).toBe(205_066);
    model.dispose();
  });

  it('counts image models by hand: rows projected by a dense layer, patches by a strided convolution', () => {
    const rows = build({ embedding: 'rows', vocabSize: undefined }, { inputShape: [8, 8, 2] });
    expect(rows.featureShapes()['embeddings']).toEqual([9, 8]);
    expect(rows.paramCount()).toBe(16 * 8 + 8 + 8 + 9 * 8 + 2 * 8 + 2 * encoderLayerParams(8, 12) + 8 * 3 + 3);
    rows.dispose();
    const patches = build({ vocabSize: undefined, patchSize: 4 }, { inputShape: [8, 12] });
    expect(patches.featureShapes()['embeddings']).toEqual([7, 8]);
    expect(patches.paramCount()).toBe(4 * 4 * 8 + 8 + 8 + 7 * 8 + 2 * 8 + 2 * encoderLayerParams(8, 12) + 8 * 3 + 3);
    patches.dispose();
  });

  it('taps the padding mask, the embeddings, each layer\'s attention maps and hidden states, and the pooled vector', () => {
    const model = build();
    expect(model.featureNames).toEqual(['mask', 'embeddings', 'layer1.attn', 'layer1', 'layer2.attn', 'layer2', 'pool']);
    expect(model.featureShapes()).toEqual({ mask: [7], embeddings: [7, 8], 'layer1.attn': [2, 7, 7], layer1: [7, 8], 'layer2.attn': [2, 7, 7], layer2: [7, 8], pool: [8] });
    // the mask: 1 for [CLS] and the real tokens, 0 where the id is the pad id (0)
    const ids = tf.tensor2d([[5, 3, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]]);
    const { features } = model.forward(ids, { training: false });
    expect(features['mask']!.arraySync()).toEqual([[1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]]);
    tf.dispose([ids, ...Object.values(features)]);
    model.dispose();
    // without padding masking, no mask tap
    const unmasked = build({ padId: null });
    expect(unmasked.featureNames[0]).toBe('embeddings');
    unmasked.dispose();
  });

  it('attention maps are distributions over the keys, and [CLS] pooling reads token 0 of the last layer', () => {
    const model = build();
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 19], [0, 0, 7, 7, 7, 7]]);
    const { logits, features } = model.forward(ids, { training: false });
    const rowSums = tf.sum(features['layer2.attn']!, -1);
    Array.from(rowSums.dataSync()).forEach((value) => expect(value).toBeCloseTo(1, 5));
    const first = tf.squeeze(tf.slice(features['layer2']!, [0, 0, 0], [2, 1, 8]), [1]);
    expect(features['pool']!.arraySync()).toEqual(first.arraySync());
    tf.dispose([ids, logits, rowSums, first, ...Object.values(features)]);
    model.dispose();
  });

  it('casts float ids to integers and looks them up: the same ids give the same tokens', () => {
    const model = build({ pooling: 'mean' });
    const ids = tf.tensor2d([[3, 3, 3, 3, 3, 3], [3.2, 3, 3, 3, 3, 3]]);
    const { logits, features } = model.forward(ids, { training: false });
    const [a, b] = tf.unstack(logits);
    expect(a!.arraySync()).toEqual(b!.arraySync());
    tf.dispose([ids, logits, a!, b!, ...Object.values(features)]);
    model.dispose();
  });

  it('mean pooling averages the final tokens; pre-norm applies a final layer norm first', () => {
    const model = build({ pooling: 'mean', norm: 'pre' });
    const norm = model.layersModel.getLayer('final_norm');
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    const { logits, features } = model.forward(ids, { training: false });
    const expected = tf.tidy(() => tf.mean(norm.apply(features['layer2']!) as tf.Tensor, 1));
    Array.from(expected.dataSync()).forEach((value, index) => expect(features['pool']!.dataSync()[index]).toBeCloseTo(value, 5));
    tf.dispose([ids, logits, expected, ...Object.values(features)]);
    model.dispose();
  });

  it('names the option or the input that does not fit', () => {
    expect(() => build({ vocabSize: undefined })).toThrow(/vocabSize is required with embedding "tokens"/);
    expect(() => build({ maxLength: 4 })).toThrow(/maxLength 4 is shorter than the input's 6 tokens/);
    expect(() => build({ embedding: 'tokens' }, { inputShape: [6, 6] })).toThrow(/"tokens" needs context\.inputShape \[seq\].*\[6, 6\]/);
    expect(() => build({ vocabSize: undefined, patchSize: 5 }, { inputShape: [8, 8, 1] })).toThrow(/patchSize 5 must divide.*\[8, 8, 1\]/);
    expect(() => build({ vocabSize: undefined, maxLength: 9 }, { inputShape: [8, 8, 1] })).toThrow(/maxLength applies to embedding "tokens" only/);
    expect(() => build({ embedding: 'rows' }, { inputShape: [6] })).toThrow(/"rows" needs an image/);
  });

  it('saves the custom layers in the topology under their registered class names', async () => {
    const model = build({ dropout: 0.1 });
    let topology = '';
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((topology = JSON.stringify(artifacts.modelTopology)), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    for (const className of ['MultiHeadSelfAttention', 'LearnedPositionEmbedding', 'ClassToken', 'FirstToken', 'SeededDropout', 'LayerNormalization', 'Embedding']) {
      expect(topology).toContain(`"class_name":"${className}"`);
    }
    model.dispose();
  });
});

type Matrix = number[][];

const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
const addRow = (a: Matrix, bias: number[]): Matrix => a.map((row) => row.map((value, j) => value + bias[j]!));
const columns = (a: Matrix, from: number, to: number): Matrix => a.map((row) => row.slice(from, to));
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const softmaxRows = (a: Matrix): Matrix =>
  a.map((row) => {
    const top = Math.max(...row);
    const exps = row.map((value) => Math.exp(value - top));
    const total = exps.reduce((sum, value) => sum + value, 0);
    return exps.map((value) => value / total);
  });

/** Self-attention of one sequence written out with plain arrays: the independent reference. */
function referenceAttention(x: Matrix, weights: Matrix[] | number[][], heads: number): { output: Matrix; maps: Matrix[] } {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = weights as [Matrix, number[], Matrix, number[], Matrix, number[], Matrix, number[]];
  const [q, k, v] = [addRow(matmul(x, wq), bq), addRow(matmul(x, wk), bk), addRow(matmul(x, wv), bv)];
  const hidden = x[0]!.length;
  const size = hidden / heads;
  const maps: Matrix[] = [];
  const contexts: Matrix[] = [];
  for (let head = 0; head < heads; head += 1) {
    const [qh, kh, vh] = [q, k, v].map((m) => columns(m, head * size, (head + 1) * size)) as [Matrix, Matrix, Matrix];
    const map = softmaxRows(matmul(qh, transpose(kh)).map((row) => row.map((value) => value / Math.sqrt(size))));
    maps.push(map);
    contexts.push(matmul(map, vh));
  }
  const context = x.map((_, position) => contexts.flatMap((c) => c[position]!));
  return { output: addRow(matmul(context, wo), bo), maps };
}

describe('MultiHeadSelfAttention', () => {
  beforeAll(useCpuBackend);

  it('matches self-attention written out by hand, hidden states and per-head attention maps', async () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
    // nonzero biases, so that their place in the computation is checked too
    layer.apply(x);
    layer.setWeights(layer.getWeights().map((weight, index) => tf.randomNormal(weight.shape, 0, 0.5, 'float32', 10 + index)));
    const [output, maps] = layer.apply(x) as [tf.Tensor, tf.Tensor];
    expect(output.shape).toEqual([2, 3, 4]);
    expect(maps.shape).toEqual([2, 2, 3, 3]);
    const weights = await Promise.all(layer.getWeights().map((weight) => weight.array() as Promise<Matrix | number[]>));
    const inputs = (await x.array()) as Matrix[];
    const outputs = (await output.array()) as Matrix[];
    const attention = (await maps.array()) as Matrix[][];
    inputs.forEach((sequence, example) => {
      const reference = referenceAttention(sequence, weights as Matrix[], 2);
      reference.output.forEach((row, i) => row.forEach((value, j) => expect(outputs[example]![i]![j]).toBeCloseTo(value, 5)));
      reference.maps.forEach((map, head) => map.forEach((row, i) => row.forEach((value, j) => expect(attention[example]![head]![i]![j]).toBeCloseTo(value, 5))));
    });
    tf.dispose([x, output, maps]);
  });

  it('has query, key, value and output projections, glorot-uniform kernels from its seed and zero biases', () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 5, name: 'attn' });
    tf.dispose(layer.apply(tf.zeros([1, 2, 6])) as tf.Tensor[]);
    expect(layer.weights.map((weight) => weight.name)).toEqual([
      'attn/query/kernel',
      'attn/query/bias',
      'attn/key/kernel',
      'attn/key/bias',
      'attn/value/kernel',
      'attn/value/bias',
      'attn/output/kernel',
      'attn/output/bias',
    ]);
    const [kernel, bias] = layer.getWeights();
    expect(Math.max(...Array.from(kernel!.dataSync()).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 12));
    expect(Array.from(bias!.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    const twin = new MultiHeadSelfAttention({ heads: 2, seed: 5 });
    tf.dispose(twin.apply(tf.zeros([1, 2, 6])) as tf.Tensor[]);
    expect(twin.getWeights()[4]!.dataSync()).toEqual(layer.getWeights()[4]!.dataSync());
  });

  it('attends once per layer in a forward pass that reads both outputs (tfjs-layers applies it once per output)', () => {
    const attend = vi.spyOn(MultiHeadSelfAttention.prototype as unknown as { attend: (x: tf.Tensor) => tf.Tensor[] }, 'attend');
    const model = build();
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 19]]);
    attend.mockClear();
    const { logits, features } = model.forward(ids, { training: true });
    expect(Object.keys(features)).toContain('layer2.attn');
    expect(attend).toHaveBeenCalledTimes(2);
    // the same input in the other mode attends anew (in inference tfjs-layers frees an output as soon
    // as it is consumed, and a freed output is never answered again, so it may attend twice there)
    const evaluated = model.forward(ids, { training: false });
    expect(attend.mock.calls.length).toBeGreaterThanOrEqual(4);
    tf.dispose([logits, evaluated.logits, ...Object.values(features), ...Object.values(evaluated.features)]);
    attend.mockRestore();
    tf.dispose([ids]);
    model.dispose();
  });

  it('attends anew for the same input tensor once a weight was assigned', () => {
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 4);
    const [before, mapsBefore] = layer.apply(x) as [tf.Tensor, tf.Tensor];
    const [again] = layer.apply(x) as [tf.Tensor, tf.Tensor];
    expect(again).toBe(before);
    layer.weights[6]!.write(tf.mul(layer.weights[6]!.read(), 2));
    const [after, mapsAfter] = layer.apply(x) as [tf.Tensor, tf.Tensor];
    expect(after).not.toBe(before);
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(before.dataSync()));
    expect(Array.from(mapsAfter.dataSync())).toEqual(Array.from(mapsBefore.dataSync()));
    tf.dispose([x, before, mapsBefore, after, mapsAfter]);
  });

  it('rejects heads that do not divide the hidden size, naming both', () => {
    const layer = new MultiHeadSelfAttention({ heads: 3, seed: 0, name: 'bad' });
    expect(() => layer.apply(tfl.input({ shape: [5, 8] }))).toThrow(/"bad": heads \(3\) must divide the hidden size \(8\)/);
    expect(() => new MultiHeadSelfAttention({ heads: 0, seed: 0 })).toThrow(/heads/);
  });

  it('answers two symbolic outputs in a functional graph and serialises heads and seed', () => {
    const layer = new MultiHeadSelfAttention({ heads: 4, seed: 7 });
    const outputs = layer.apply(tfl.input({ shape: [5, 8] })) as tfl.SymbolicTensor[];
    expect(outputs.map((output) => output.shape)).toEqual([
      [null, 5, 8],
      [null, 4, 5, 5],
    ]);
    expect(layer.getConfig()).toMatchObject({ heads: 4, seed: 7 });
  });
});

describe('LearnedPositionEmbedding, ClassToken and FirstToken', () => {
  beforeAll(useCpuBackend);

  it('adds the first seq rows of the position table to every example', () => {
    const layer = new LearnedPositionEmbedding({ maxLength: 5, seed: 1 });
    tf.tidy(() => {
      const x = tf.ones([2, 3, 4]);
      const y = layer.apply(x) as tf.Tensor;
      const table = layer.getWeights()[0]!;
      expect(table.shape).toEqual([5, 4]);
      const expected = tf.add(1, tf.slice(table, [0, 0], [3, 4]));
      expect(y.arraySync()).toEqual([expected.arraySync(), expected.arraySync()]);
      expect(Math.max(...Array.from(table.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.04 + 1e-7);
    });
    expect(() => layer.apply(tf.ones([1, 6, 4]))).toThrow(/6 tokens, more than its maxLength of 5/);
  });

  it('prepends the learned [CLS] token, and FirstToken reads it back', () => {
    const token = new ClassToken({ seed: 2 });
    const first = new FirstToken({});
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 5);
      const y = token.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 4, 4]);
      expect(tf.slice(y, [0, 1, 0], [2, 3, 4]).arraySync()).toEqual(x.arraySync());
      const read = first.apply(y) as tf.Tensor;
      const vector = Array.from(token.getWeights()[0]!.dataSync());
      expect(read.arraySync()).toEqual([vector, vector]);
    });
  });

  it('are registered for deserialisation under their class names', () => {
    const registry = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of [MultiHeadSelfAttention, LearnedPositionEmbedding, ClassToken, FirstToken]) expect(registry[cls.className]?.[0]).toBe(cls);
  });
});
