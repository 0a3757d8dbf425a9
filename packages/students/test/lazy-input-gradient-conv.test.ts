import { selectBackend, type BackendName } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { withLazyInputGradient } from '../src/index.js';
import { nativeBackendUnavailable } from '../../../test/support/native-backend.js';

// A Conv2D layer whose input gradient is computed only on demand, against the stock layer: on cpu
// (the stock call) and on tfjs-node (conv2d, add and activation as separate ops) when it is built.
const nodeUnavailable = await nativeBackendUnavailable('withLazyInputGradient on tfjs-node');
const backends: BackendName[] = nodeUnavailable === undefined ? ['cpu', 'node'] : ['cpu'];

const CONFIGS: Parameters<typeof tfl.layers.conv2d>[0][] = [
  { filters: 6, kernelSize: 4, strides: 4, padding: 'valid' },
  { filters: 5, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
  { filters: 3, kernelSize: 2, strides: 2, padding: 'valid', useBias: false, activation: 'tanh' },
];

/** The stock layer and a patched one with the same weights, built for `x`. */
function pair(config: Parameters<typeof tfl.layers.conv2d>[0], x: tf.Tensor): [tfl.layers.Layer, tfl.layers.Layer] {
  const initialised = { ...config, kernelInitializer: tfl.initializers.randomNormal({ seed: 7 }), biasInitializer: tfl.initializers.randomNormal({ seed: 8 }) };
  const stock = tfl.layers.conv2d(initialised);
  const lazy = withLazyInputGradient(tfl.layers.conv2d(initialised));
  stock.build(x.shape);
  lazy.build(x.shape);
  lazy.setWeights(stock.getWeights());
  return [stock, lazy];
}

/** Bits of a tensor's values. */
function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(t.dataSync().buffer));
}

describe.each(backends)('withLazyInputGradient on %s', (backend) => {
  afterAll(() => selectBackend('wasm'));

  it('gives the stock layer\'s outputs and its gradients (weights and input) to the bit, and the same config', async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    for (const config of CONFIGS) {
      const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 3);
      const [stock, lazy] = pair(config, x);
      expect(lazy.getConfig()).toEqual({ ...stock.getConfig(), name: lazy.name });
      expect(bits(lazy.apply(x) as tf.Tensor)).toEqual(bits(stock.apply(x) as tf.Tensor));
      const gradients = (layer: tfl.layers.Layer) => {
        const weights = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
        const loss = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, tf.randomNormal([4, ...(layer.computeOutputShape(x.shape) as number[]).slice(1)], 0, 1, 'float32', 5))) as tf.Scalar;
        const { grads } = tf.variableGrads(loss, weights);
        const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, 0.5)))(x);
        return [...weights.map((weight) => grads[weight.name]!), dx];
      };
      const ours = gradients(lazy);
      const theirs = gradients(stock);
      expect(ours.map(bits)).toEqual(theirs.map(bits));
      tf.dispose([x, ...ours, ...theirs]);
      tf.dispose([stock, lazy].flatMap((layer) => layer.weights.map((weight) => weight.read())));
    }
  });

  it(`computes no gradient with respect to the input when only the weights are differentiated (${backend === 'node' ? 'none' : 'the stock layer\'s fused gradient computes it'})`, async () => {
    await selectBackend(backend, undefined, { threads: 1 });
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 4);
    const [, lazy] = pair(CONFIGS[0]!, x);
    const weights = lazy.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(lazy.apply(x) as tf.Tensor) as tf.Scalar, weights);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = profile.kernels.map((kernel) => kernel.name);
    expect(names).toContain('Conv2DBackpropFilter');
    expect(names.includes('Conv2DBackpropInput')).toBe(backend !== 'node');
    tf.dispose([x, ...lazy.weights.map((weight) => weight.read())]);
  });

  it('refuses a layer that is not a 2-D convolution', () => {
    expect(() => withLazyInputGradient(tfl.layers.dense({ units: 2 }))).toThrow(/not a Conv2D layer/);
  });
});
