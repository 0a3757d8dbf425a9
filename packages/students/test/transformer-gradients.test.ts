import { selectBackend, type BackendName } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { FusedLayerNormalization, gelu, layerNorm, MASKED_SCORE, MultiHeadSelfAttention, withFusedGelu } from '../src/index.js';
import { nativeBackendUnavailable } from '../../../test/support/native-backend.js';

// The transformer's ops with written-out gradients (layer norm, GELU) and its attention in few
// kernels, against the plain tfjs computations they replace, differentiated by tfjs itself, and
// against finite differences in double precision: on cpu, wasm (kdlab's kernels) and tfjs-node when
// it is built.
const nodeUnavailable = await nativeBackendUnavailable('transformer gradients on tfjs-node');
const backends: BackendName[] = nodeUnavailable === undefined ? ['cpu', 'wasm', 'node'] : ['cpu', 'wasm'];

/** Largest absolute difference relative to the reference's largest magnitude (at least 1). */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  let scale = 1;
  e.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(a[i]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return worst / scale;
}

/** The attention as it was written before (three projections, the scale on the scores): the reference. */
function plainAttention(x: tf.Tensor3D, weights: tf.Tensor[], heads: number, mask?: tf.Tensor2D): tf.Tensor[] {
  const [batch, seq, hidden] = x.shape;
  const size = hidden / heads;
  const [wq, bq, wk, bk, wv, bv, wo, bo] = weights as [tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor];
  const flat = tf.reshape(x, [batch * seq, hidden]) as tf.Tensor2D;
  const project = (kernel: tf.Tensor2D, bias: tf.Tensor) => tf.transpose(tf.reshape(tf.add(tf.matMul(flat, kernel), bias), [batch, seq, heads, size]), [0, 2, 1, 3]);
  let scores = tf.mul(tf.matMul(project(wq, bq), project(wk, bk), false, true), 1 / Math.sqrt(size));
  if (mask) scores = tf.add(scores, tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [batch, 1, 1, seq]));
  const maps = tf.softmax(scores);
  const context = tf.reshape(tf.transpose(tf.matMul(maps, project(wv, bv)), [0, 2, 1, 3]), [batch * seq, hidden]) as tf.Tensor2D;
  return [tf.reshape(tf.add(tf.matMul(context, wo), bo), [batch, seq, hidden]), maps];
}

/** A loss that weighs every output element differently, so that no gradient term cancels out. */
function weighted(output: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(output, tf.randomNormal(output.shape, 0, 1, 'float32', seed)));
}

describe.each(backends)('transformer gradients on %s', (backend) => {
  afterAll(() => selectBackend('wasm'));

  it('layerNorm answers tfjs-layers\' LayerNormalization to the bit, and its gradients those of differentiating it', async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    const stock = tfl.layers.layerNormalization({ epsilon: 1e-5 });
    const fused = new FusedLayerNormalization({ epsilon: 1e-5 });
    const x = tf.randomNormal([3, 5, 8], 0.5, 2, 'float32', 1);
    const gamma = tf.randomNormal([8], 1, 0.3, 'float32', 2);
    const beta = tf.randomNormal([8], 0, 0.3, 'float32', 3);
    for (const layer of [stock, fused]) {
      layer.build(x.shape);
      layer.setWeights([gamma, beta]);
    }
    expect(fused.getClassName()).toBe('LayerNormalization');
    expect(Array.from((fused.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from((stock.apply(x) as tf.Tensor).dataSync()));
    // gradients with respect to the input, the scale and the offset, through each layer
    const gradients = (layer: tfl.layers.Layer): tf.Tensor[] => {
      const dx = tf.grad((input: tf.Tensor) => weighted(layer.apply(input) as tf.Tensor, 4))(x);
      const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => weighted(layer.apply(x) as tf.Tensor, 4), variables);
      value.dispose();
      return [dx, ...variables.map((variable) => grads[variable.name]!)];
    };
    const viaFused = gradients(fused);
    const viaStock = gradients(stock);
    viaFused.forEach((grad, i) => expect(relativeError(grad, viaStock[i]!), ['input', 'gamma', 'beta'][i]).toBeLessThan(2e-5));
    // and the op itself against the formula written with plain differentiable ops
    const plain = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
      const mean = tf.mean(input, -1, true);
      const centered = tf.sub(input, mean);
      return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5))), scale), offset);
    };
    const viaOp = tf.grads((input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => weighted(layerNorm(input, scale, offset, 1e-5), 4))([x, gamma, beta]);
    const viaPlain = tf.grads((input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => weighted(plain(input, scale, offset), 4))([x, gamma, beta]);
    viaOp.forEach((grad, i) => expect(relativeError(grad, viaPlain[i]!), ['input', 'gamma', 'beta'][i]).toBeLessThan(2e-5));
    tf.dispose([x, gamma, beta, ...viaFused, ...viaStock, ...viaOp, ...viaPlain, ...[stock, fused].flatMap((layer) => layer.weights.map((weight) => weight.read()))]);
  });

  it('layerNorm answers tfjs-layers\' LayerNormalization to the bit for row counts on and off multiples of 64 and sizes on and off multiples of 8 (on tfjs-node, rsqrt per row or tiled, kdlab\'s fused kernel when built)', async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    for (const [shape, seed] of [[[128, 50, 64], 11], [[64, 8], 12], [[2, 32, 16], 13], [[3, 7, 16], 14], [[16, 64], 15], [[1, 64, 3], 16], [[3, 5, 7], 17], [[5, 13], 18], [[7, 100], 19], [[2, 64, 41], 20]] as [number[], number][]) {
      const stock = tfl.layers.layerNormalization({ epsilon: 1e-5 });
      const fused = new FusedLayerNormalization({ epsilon: 1e-5 });
      const features = shape[shape.length - 1]!;
      // rows of very different spreads, so that rsqrt sees many exponents
      const x = tf.tidy(() => tf.mul(tf.randomNormal(shape, 0.5, 2, 'float32', seed), tf.exp(tf.randomUniform([...shape.slice(0, -1), 1], -6, 6, 'float32', seed + 100))));
      const gamma = tf.randomNormal([features], 1, 0.3, 'float32', seed + 200);
      const beta = tf.randomNormal([features], 0, 0.3, 'float32', seed + 300);
      for (const layer of [stock, fused]) {
        layer.build(x.shape);
        layer.setWeights([gamma, beta]);
      }
      const [ours, theirs] = [fused, stock].map((layer) => {
        const output = layer.apply(x) as tf.Tensor;
        const bits = Array.from(new Uint32Array(output.dataSync().buffer));
        output.dispose();
        return bits;
      });
      expect(ours, `[${shape.join(',')}]`).toEqual(theirs);
      tf.dispose([x, gamma, beta, ...[stock, fused].flatMap((layer) => layer.weights.map((weight) => weight.read()))]);
    }
  });

  it('layerNorm\'s gradient matches finite differences of the formula in double precision', async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    const rows = [[0.3, -1.2, 2.0, 0.7], [1.5, 1.4, -0.2, 0.1]];
    const gamma = [1.2, 0.8, -0.5, 1.0];
    const beta = [0.1, -0.2, 0.0, 0.3];
    const weights = [[0.7, -1.1, 0.4, 2.0], [-0.6, 0.9, 1.3, -0.2]];
    const f = (input: number[][]) =>
      input.reduce((total, row, r) => {
        const mean = row.reduce((a, b) => a + b, 0) / row.length;
        const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
        return total + row.reduce((sum, value, j) => sum + weights[r]![j]! * (((value - mean) / Math.sqrt(variance + 1e-5)) * gamma[j]! + beta[j]!), 0);
      }, 0);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layerNorm(input, tf.tensor1d(gamma), tf.tensor1d(beta), 1e-5), tf.tensor2d(weights))))(tf.tensor2d(rows));
    const h = 1e-6;
    const values = grad.arraySync() as number[][];
    rows.forEach((row, r) =>
      row.forEach((_, j) => {
        const up = rows.map((other, i) => other.map((value, k) => (i === r && k === j ? value + h : value)));
        const down = rows.map((other, i) => other.map((value, k) => (i === r && k === j ? value - h : value)));
        expect(values[r]![j]).toBeCloseTo((f(up) - f(down)) / (2 * h), 4);
      }),
    );
    grad.dispose();
  });

  it('gelu answers tfjs-layers\' gelu to the bit, and its gradient x -> Φ(x) + x φ(x)', async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    const values = [-4, -1.5, -0.3, 0, 0.2, 1, 2.5, 6];
    const x = tf.tensor1d(values);
    const stockDense = tfl.layers.dense({ units: 1, activation: 'gelu' });
    const stockGelu = (stockDense as unknown as { activation: { apply(t: tf.Tensor): tf.Tensor } }).activation;
    expect(Array.from(gelu(x).dataSync())).toEqual(Array.from(stockGelu.apply(x).dataSync()));
    const erf = (z: number) => {
      let term = z;
      let sum = z;
      for (let n = 1; n < 120; n += 1) {
        term *= (-z * z) / n;
        sum += term / (2 * n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const grad = tf.grad((input: tf.Tensor) => tf.sum(gelu(input)))(x).dataSync();
    const viaStock = tf.grad((input: tf.Tensor) => tf.sum(stockGelu.apply(input)))(x).dataSync();
    values.forEach((z, i) => {
      const expected = 0.5 * (1 + erf(z / Math.SQRT2)) + (z * Math.exp((-z * z) / 2)) / Math.sqrt(2 * Math.PI);
      expect(grad[i]).toBeCloseTo(expected, 5);
      expect(grad[i]).toBeCloseTo(viaStock[i]!, 5);
    });
    const dense = withFusedGelu(tfl.layers.dense({ units: 3, activation: 'gelu' }));
    expect(dense.getConfig()['activation']).toBe('gelu');
    expect(() => withFusedGelu(tfl.layers.dense({ units: 3 }))).toThrow(/has no gelu activation/);
    x.dispose();
  });

  it.each([false, true])('the attention\'s outputs and gradients (input and every weight) equal the plain computation\'s (mask: %s)', async (masked) => {
    await selectBackend(backend, undefined, { threads: 1 });
    const layer = new MultiHeadSelfAttention({ heads: 2, seed: 3 });
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 6) as tf.Tensor3D;
    const mask = masked ? tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]) : undefined;
    layer.build(x.shape);
    layer.setWeights(layer.getWeights().map((weight, i) => tf.randomNormal(weight.shape, 0, 0.4, 'float32', 20 + i)));
    const weights = layer.getWeights();
    const [output, maps] = layer.apply(mask ? [x, mask] : x) as [tf.Tensor, tf.Tensor];
    const [expectedOutput, expectedMaps] = plainAttention(x, weights, 2, mask);
    expect(relativeError(output, expectedOutput!)).toBeLessThan(1e-5);
    expect(relativeError(maps, expectedMaps!)).toBeLessThan(1e-5);
    const loss = (out: tf.Tensor, attention: tf.Tensor): tf.Scalar => tf.add(weighted(out, 7), weighted(attention, 8));
    // a fresh tensor per call: the layer answers a call with the very input of its previous call from its cache
    const apply = (input: tf.Tensor) => layer.apply(mask ? [tf.clone(input), mask] : tf.clone(input)) as [tf.Tensor, tf.Tensor];
    const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => loss(...apply(x)), variables);
    const viaLayer = [tf.grad((input: tf.Tensor) => loss(...apply(input)))(x), ...variables.map((variable) => grads[variable.name]!)];
    const viaPlain = tf.grads((input: tf.Tensor, ...w: tf.Tensor[]) => {
      const [out, attention] = plainAttention(input as tf.Tensor3D, w, 2, mask);
      return loss(out!, attention!);
    })([x, ...weights]);
    value.dispose();
    const names = ['input', 'query/kernel', 'query/bias', 'key/kernel', 'key/bias', 'value/kernel', 'value/bias', 'output/kernel', 'output/bias'];
    viaLayer.forEach((grad, i) => expect(relativeError(grad, viaPlain[i]!), names[i]).toBeLessThan(2e-5));
    tf.dispose([x, output, maps, expectedOutput!, expectedMaps!, ...weights, ...viaLayer, ...viaPlain, ...(mask ? [mask] : [])]);
  });
});
