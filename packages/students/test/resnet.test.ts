import type { ModelBuildContext } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet, resnetModel, resnetOptions, resnetPresets, type LayersModelAdapter, type ResnetOptions } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const cifar100: ModelBuildContext = { inputShape: [32, 32, 3], numClasses: 100, seed: 0 };
const tiny = { depth: 8, widths: [2, 4, 4, 8] as [number, number, number, number] };

function build(options: Partial<ResnetOptions> = {}, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return resnetModel.build(resnetOptions.parse(options), { ...cifar100, ...context }) as LayersModelAdapter;
}

function variableNamed(variables: tf.Variable[], name: string): tf.Variable {
  const found = variables.find((variable) => variable.name.replace(/_\d+$/, '') === name);
  if (found === undefined) throw new Error(`no variable ${name}`);
  return found;
}

describe('resnet', () => {
  beforeAll(useCpuBackend);

  it('defaults to resnet20 and rejects a depth that is not 6n + 2', () => {
    expect(resnetOptions.parse({})).toEqual({ depth: 20, widths: [16, 16, 32, 64], widen: 1 });
    expect(() => resnetOptions.parse({ depth: 18 })).toThrow(/depth[\s\S]*6n \+ 2/);
    expect(() => resnetOptions.parse({ widths: [16, 32, 64] })).toThrow(/widths/);
  });

  it('the helper writes plain experiment data, presets included', () => {
    expect(resnet(resnetPresets.resnet8x4)).toEqual({ kind: 'resnet', depth: 8, widths: [32, 64, 128, 256] });
  });

  it("has RepDistiller's parameter counts on 32x32x3 with 100 classes: resnet8x4 1,233,540 and resnet32x4 7,433,860", () => {
    // Counted with PyTorch on RepDistiller's models/resnet.py (conv, batch-norm weight and bias, fc).
    for (const [preset, expected] of [
      ['resnet8x4', 1_233_540],
      ['resnet32x4', 7_433_860],
      ['resnet56', 861_620],
    ] as const) {
      const model = build(resnetPresets[preset]);
      expect(model.paramCount(), preset).toBe(expected);
      model.dispose();
    }
    const resnet20 = build(resnetPresets.resnet20, { numClasses: 10 });
    expect(resnet20.paramCount()).toBe(272_474);
    resnet20.dispose();
  });

  it('counts a tiny resnet8 by hand', () => {
    const model = build(tiny, { inputShape: [8, 8, 3], numClasses: 4 });
    const bn = (channels: number) => 2 * channels;
    const stem = 3 * 3 * 3 * 2 + bn(2);
    // each stage has one block; the width changes in every stage, so each block has a projection shortcut
    const block = (inplanes: number, planes: number) => 9 * inplanes * planes + bn(planes) + 9 * planes * planes + bn(planes) + inplanes * planes + bn(planes);
    expect(model.paramCount()).toBe(stem + block(2, 4) + block(4, 4) + block(4, 8) + 8 * 4 + 4);
    model.dispose();
  });

  it('multiplies every width by widen', () => {
    const model = build({ depth: 8, widen: 2 }, { inputShape: [8, 8, 3], numClasses: 10 });
    expect(model.featureShapes()['stem']).toEqual([8, 8, 32]);
    expect(model.featureShapes()['pool']).toEqual([128]);
    model.dispose();
  });

  it('uses identity shortcuts where the shape does not change and projections where it does', () => {
    const model = build({ depth: 14, widths: [4, 4, 8, 8] }, { inputShape: [8, 8, 3] });
    const names = model.layersModel.layers.map((layer) => layer.name);
    expect(names.filter((name) => name.endsWith('_shortcut_conv'))).toEqual(['layer2_block1_shortcut_conv', 'layer3_block1_shortcut_conv']);
    expect(names.filter((name) => name.endsWith('_pad1'))).toEqual(['layer2_block1_pad1', 'layer3_block1_pad1']);
    model.dispose();
  });

  it('taps the stem, each stage before and after its last ReLU, and the pooled features', () => {
    const model = build(resnetPresets.resnet8x4, { inputShape: [32, 32, 3] });
    expect(model.featureNames).toEqual(['stem', 'layer1.preact', 'layer1', 'layer2.preact', 'layer2', 'layer3.preact', 'layer3', 'pool']);
    expect(model.featureShapes()).toEqual({
      stem: [32, 32, 32],
      'layer1.preact': [32, 32, 64],
      layer1: [32, 32, 64],
      'layer2.preact': [16, 16, 128],
      layer2: [16, 16, 128],
      'layer3.preact': [8, 8, 256],
      layer3: [8, 8, 256],
      pool: [256],
    });
    model.dispose();
  });

  it('the layer<s> tap is the ReLU of layer<s>.preact, and pool the spatial mean of layer3', () => {
    const model = build(tiny, { inputShape: [8, 8, 3], numClasses: 4 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1);
    const { logits, features } = model.forward(x, { training: false });
    const relu = tf.relu(features['layer2.preact']!);
    expect(Array.from(features['layer2']!.dataSync())).toEqual(Array.from(relu.dataSync()));
    const mean = tf.mean(features['layer3']!, [1, 2]);
    const pooled = features['pool']!.dataSync();
    Array.from(mean.dataSync()).forEach((value, index) => expect(pooled[index]).toBeCloseTo(value, 5));
    tf.dispose([x, logits, relu, mean, ...Object.values(features)]);
    model.dispose();
  });

  it('variablesUpTo("layer1") is the stem and the first stage, nothing later', () => {
    const model = build(tiny, { inputShape: [8, 8, 3], numClasses: 4 });
    const names = model.variablesUpTo('layer1').map((variable) => variable.name.replace(/_\d+$/, ''));
    expect(names[0]).toBe('stem_conv/kernel');
    expect(names.every((name) => name.startsWith('stem_') || name.startsWith('layer1_'))).toBe(true);
    expect(names).toHaveLength(3 + 9);
    model.dispose();
  });

  it('keeps batch-norm moving statistics in allVariables, not in the trainable ones', () => {
    const model = build(tiny, { inputShape: [8, 8, 3], numClasses: 4 });
    const trainable = new Set(model.trainableVariables());
    const statistics = model.allVariables().filter((variable) => !trainable.has(variable));
    const batchNorms = model.layersModel.layers.filter((layer) => layer.getClassName() === 'BatchNormalization').length;
    expect(batchNorms).toBe(1 + 3 * 3);
    expect(statistics).toHaveLength(2 * batchNorms);
    expect(statistics.every((variable) => /moving_(mean|variance)/.test(variable.name) && !variable.trainable)).toBe(true);
    model.dispose();
  });

  it('normalises with batch statistics and updates the moving ones (momentum 0.1) while training, uses the moving ones at inference', async () => {
    const model = build(tiny, { inputShape: [8, 8, 3], numClasses: 4 });
    const variables = model.allVariables();
    const movingMean = variableNamed(variables, 'stem_bn/moving_mean');
    const movingVariance = variableNamed(variables, 'stem_bn/moving_variance');
    const x = tf.randomNormal([4, 8, 8, 3], 1, 2, 'float32', 2);
    const conv = model.layersModel.getLayer('stem_conv').apply(x) as tf.Tensor;
    const { mean, variance } = tf.moments(conv, [0, 1, 2]);

    const inference = model.forward(x, { training: false });
    expect(Array.from(await movingMean.data())).toEqual([0, 0]);
    // inference normalises with the moving statistics (0 and 1): the stem is relu(conv / sqrt(1 + eps))
    const expectedInference = tf.relu(tf.div(conv, Math.sqrt(1 + 1e-5)));
    expect(tf.max(tf.abs(tf.sub(inference.features['stem']!, expectedInference))).arraySync()).toBeLessThan(1e-5);

    const training = model.forward(x, { training: true });
    // training normalises with the batch's statistics
    const expectedTraining = tf.relu(tf.div(tf.sub(conv, mean), tf.sqrt(tf.add(variance, 1e-5))));
    expect(tf.max(tf.abs(tf.sub(training.features['stem']!, expectedTraining))).arraySync()).toBeLessThan(1e-4);
    // and moves the moving statistics a tenth of the way towards them (tfjs uses the biased batch variance)
    const expectedMean = Array.from(mean.dataSync(), (value) => 0.1 * value);
    const expectedVariance = Array.from(variance.dataSync(), (value) => 0.9 + 0.1 * value);
    Array.from(await movingMean.data()).forEach((value, index) => expect(value).toBeCloseTo(expectedMean[index]!, 5));
    Array.from(await movingVariance.data()).forEach((value, index) => expect(value).toBeCloseTo(expectedVariance[index]!, 4));

    const after = model.forward(x, { training: false });
    expect(Array.from(await after.logits.data())).not.toEqual(Array.from(await inference.logits.data()));
    const unchanged = Array.from(await movingMean.data());
    const again = model.forward(x, { training: false });
    expect(Array.from(await movingMean.data())).toEqual(unchanged);
    for (const output of [inference, training, after, again]) tf.dispose([output.logits, ...Object.values(output.features)]);
    tf.dispose([x, conv, mean, variance, expectedInference, expectedTraining]);
    model.dispose();
  });
});
