import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnn, cnnModel, cnnOptions, type CnnOptions, type LayersModelAdapter } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const mnist: ModelBuildContext = { inputShape: [28, 28, 1], numClasses: 10, seed: 0 };

function build(options: Partial<CnnOptions> = {}, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return cnnModel.build(cnnOptions.parse(options), { ...mnist, ...context }) as LayersModelAdapter;
}

describe('cnn', () => {
  beforeAll(useCpuBackend);

  it('defaults to two 3x3 conv blocks of 32 and 64 channels with max pooling and a 128-unit dense layer', () => {
    expect(cnnOptions.parse({})).toEqual({ channels: [32, 64], kernelSize: 3, pool: 'max', batchNorm: false, dense: [128], dropout: 0 });
  });

  it('rejects bad options with the offending field in the error', () => {
    expect(() => cnnOptions.parse({ channels: [] })).toThrow(/channels/);
    expect(() => cnnOptions.parse({ pool: 'min' })).toThrow(/pool/);
    expect(() => cnnOptions.parse({ channels: [4, 8], pool: ['max'] })).toThrow(/pool[\s\S]*one pooling per block/);
    expect(() => cnnOptions.parse({ kernelSize: 0 })).toThrow(/kernelSize/);
    expect(() => cnnOptions.parse({ chanels: [4] })).toThrow(/chanels/);
  });

  it('the helper writes plain experiment data', () => {
    expect(cnn({ channels: [16], batchNorm: true })).toEqual({ kind: 'cnn', channels: [16], batchNorm: true });
  });

  it('has 421,642 parameters with its defaults on MNIST (320 + 18,496 + 401,536 + 1,290)', () => {
    const model = build();
    expect(model.paramCount()).toBe(421_642);
    model.dispose();
  });

  it('counts a small configuration by hand, with and without batch norm', () => {
    const options = { channels: [4, 6], kernelSize: 3, dense: [5] };
    const context = { inputShape: [8, 8, 2], numClasses: 3 };
    const plain = build(options, context);
    // conv1 3*3*2*4 + 4, conv2 3*3*4*6 + 6, dense (2*2*6)*5 + 5, logits 5*3 + 3
    expect(plain.paramCount()).toBe(76 + 222 + 125 + 18);
    plain.dispose();
    const normed = build({ ...options, batchNorm: true }, context);
    // no conv biases; each batch norm adds gamma and beta (trainable) and two moving statistics (not trainable)
    expect(normed.paramCount()).toBe(72 + 8 + 216 + 12 + 125 + 18);
    expect(normed.allVariables().length - normed.trainableVariables().length).toBe(4);
    normed.dispose();
  });

  it('taps each block after its ReLU and before its pooling (NHWC), and each hidden dense layer', () => {
    const model = build({ channels: [4, 6, 8], pool: ['max', 'none', 'avg'], dense: [7, 5] }, { inputShape: [12, 12, 3] });
    expect(model.featureNames).toEqual(['block1', 'block2', 'block3', 'dense1', 'dense2']);
    expect(model.featureShapes()).toEqual({ block1: [12, 12, 4], block2: [6, 6, 6], block3: [6, 6, 8], dense1: [7], dense2: [5] });
    model.dispose();
  });

  it('pools as asked between the block tap and what follows: max keeps the largest of each 2x2 window, avg their mean', () => {
    const x = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 3);
    for (const pool of ['max', 'avg'] as const) {
      const model = build({ channels: [2], pool, dense: [] }, { inputShape: [4, 4, 1] });
      const { logits, features } = model.forward(x, { training: false });
      const block = features['block1'] as tf.Tensor4D;
      expect(tf.min(block).arraySync()).toBeGreaterThanOrEqual(0);
      const [kernel, bias] = model.layersModel.getLayer('logits').getWeights();
      const expected = tf.tidy(() => {
        const pooled = pool === 'max' ? tf.maxPool(block, 2, 2, 'valid') : tf.avgPool(block, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(pooled, [2, 8]), kernel as tf.Tensor2D), bias!);
      });
      const actual = logits.dataSync();
      Array.from(expected.dataSync()).forEach((value, index) => expect(actual[index]).toBeCloseTo(value, 5));
      tf.dispose([logits, expected, ...Object.values(features)]);
      model.dispose();
    }
    x.dispose();
  });

  it('takes [height, width] inputs as one-channel images', () => {
    const model = build({ channels: [3], dense: [] }, { inputShape: [6, 6] });
    expect(model.inputShape).toEqual([6, 6]);
    expect(model.featureShapes()).toEqual({ block1: [6, 6, 3] });
    model.dispose();
  });

  it('names the block whose feature maps are too small to pool, and the input rank it cannot take', () => {
    expect(() => build({ channels: [4, 4, 4] }, { inputShape: [4, 4, 1] })).toThrow(/block3_pool.*at least 2x2.*\[1, 1, 4\]/);
    expect(() => build({}, { inputShape: [784] })).toThrow(/cnn: context\.inputShape must be \[height, width\].*\[784\]/);
  });

  it('initialises conv kernels He-normal from the seed and biases at zero', async () => {
    const model = build({ channels: [64], dense: [] }, { inputShape: [8, 8, 8] });
    const [kernel, bias] = model.trainableVariables();
    const values = await kernel!.data();
    const std = Math.sqrt(Array.from(values).reduce((sum, value) => sum + value * value, 0) / values.length);
    const heStd = Math.sqrt(2 / (3 * 3 * 8));
    // tfjs draws it truncated at two standard deviations, which shrinks the spread to about 0.88 of it
    expect(std).toBeGreaterThan(0.8 * heStd);
    expect(std).toBeLessThan(0.95 * heStd);
    expect(Array.from(await bias!.data()).every((value) => value === 0)).toBe(true);
    model.dispose();
  });
});
