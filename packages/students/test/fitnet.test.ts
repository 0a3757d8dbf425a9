import type { ModelBuildContext } from '@kdlab/core';
import type * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitnet, fitnetModel, fitnetOptions, fitnetStages, type FitnetOptions, type LayersModelAdapter } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

const cifar: ModelBuildContext = { inputShape: [32, 32, 3], numClasses: 10, seed: 0 };

function build(options: Partial<FitnetOptions> = {}, context: Partial<ModelBuildContext> = {}): LayersModelAdapter {
  return fitnetModel.build(fitnetOptions.parse(options), { ...cifar, ...context }) as LayersModelAdapter;
}

function layerWeightNames(variables: tf.Variable[]): string[] {
  return variables.map((variable) => variable.name.replace(/_\d+$/, ''));
}

describe('fitnet', () => {
  beforeAll(useCpuBackend);

  it('spreads depth over three stages of width, 2x width and 4x width, later stages taking the remainder', () => {
    expect(fitnetStages(fitnetOptions.parse({}))).toEqual([[16, 16, 16], [32, 32, 32], [64, 64, 64]]);
    expect(fitnetStages(fitnetOptions.parse({ depth: 11, width: 8 }))).toEqual([[8, 8, 8], [16, 16, 16, 16], [32, 32, 32, 32]]);
    expect(fitnetStages(fitnetOptions.parse({ stages: [[16, 16, 16], [32, 32, 32], [48, 48, 64]] }))).toEqual([[16, 16, 16], [32, 32, 32], [48, 48, 64]]);
  });

  it('rejects stages given together with depth or width, and a depth below 3', () => {
    expect(() => fitnetOptions.parse({ stages: [[8]], depth: 9 })).toThrow(/stages[\s\S]*either stages or depth/);
    expect(() => fitnetOptions.parse({ depth: 2 })).toThrow(/depth/);
    expect(() => fitnetOptions.parse({ stages: [[]] })).toThrow(/stages/);
  });

  it('the helper writes plain experiment data', () => {
    expect(fitnet({ depth: 11 })).toEqual({ kind: 'fitnet', depth: 11 });
  });

  it('taps every conv layer as block<i>, numbered through the network, each pooled stage but the last, and the global pool', () => {
    const model = build({ stages: [[4, 4], [6], [8]], dense: [5] }, { inputShape: [8, 8, 1] });
    expect(model.featureNames).toEqual(['block1', 'block2', 'stage1', 'block3', 'stage2', 'block4', 'pool', 'dense1']);
    expect(model.featureShapes()).toEqual({
      block1: [8, 8, 4],
      block2: [8, 8, 4],
      stage1: [4, 4, 4],
      block3: [4, 4, 6],
      stage2: [2, 2, 6],
      block4: [2, 2, 8],
      pool: [8],
      dense1: [5],
    });
    model.dispose();
  });

  it('counts parameters by hand: 3x3 convs with biases, no weights in pooling, then the head', () => {
    const model = build({ stages: [[4, 4], [6]] }, { inputShape: [8, 8, 2], numClasses: 3 });
    // (3*3*2*4 + 4) + (3*3*4*4 + 4) + (3*3*4*6 + 6) + logits 6*3 + 3
    expect(model.paramCount()).toBe(76 + 148 + 222 + 21);
    model.dispose();
    const normed = build({ stages: [[4, 4], [6]], batchNorm: true }, { inputShape: [8, 8, 2], numClasses: 3 });
    expect(normed.paramCount()).toBe(72 + 8 + 144 + 8 + 216 + 12 + 21);
    normed.dispose();
    const standard = build();
    expect(standard.paramCount()).toBe(
      (3 * 3 * 3 * 16 + 16) + 2 * (3 * 3 * 16 * 16 + 16) + (3 * 3 * 16 * 32 + 32) + 2 * (3 * 3 * 32 * 32 + 32) +
        (3 * 3 * 32 * 64 + 64) + 2 * (3 * 3 * 64 * 64 + 64) + (64 * 10 + 10),
    );
    standard.dispose();
  });

  it('variablesUpTo("stage1") is the first stage (FitNets stage 1 up to a middle hint layer), batch-norm statistics excluded', () => {
    const model = build({ stages: [[4, 4], [6, 6]], batchNorm: true }, { inputShape: [8, 8, 1] });
    const upToStage1 = layerWeightNames(model.variablesUpTo('stage1'));
    expect(upToStage1).toEqual([
      'block1_conv/kernel',
      'block1_bn/gamma',
      'block1_bn/beta',
      'block2_conv/kernel',
      'block2_bn/gamma',
      'block2_bn/beta',
    ]);
    expect(model.variablesUpTo('block2')).toEqual(model.variablesUpTo('stage1'));
    expect(layerWeightNames(model.variablesUpTo('block3'))).toEqual([...upToStage1, 'block3_conv/kernel', 'block3_bn/gamma', 'block3_bn/beta']);
    expect(model.variablesUpTo('pool')).toEqual(model.trainableVariables().slice(0, -2));
    model.dispose();
  });

  it('pools globally with max by default and with the mean when asked', () => {
    for (const globalPool of ['max', 'avg'] as const) {
      const model = build({ stages: [[3]], globalPool }, { inputShape: [4, 4, 1] });
      expect(model.layersModel.getLayer('pool').getClassName()).toBe(globalPool === 'max' ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D');
      model.dispose();
    }
  });

  it('names the stage whose feature maps are too small to pool', () => {
    expect(() => build({ stages: [[4], [4], [4], [4]] }, { inputShape: [4, 4, 1] })).toThrow(/stage3_pool.*at least 2x2/);
  });
});
