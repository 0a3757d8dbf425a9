import { defineModel, modelHelper, type ModelBuildContext } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { applyLayer } from './building/apply-layer.js';
import { basicBlock } from './building/basic-block.js';
import { batchNorm } from './building/batch-norm.js';
import { imageInput } from './building/image-input.js';
import { heNormalFanOutInit, torchLinearInit } from './building/initializers.js';
import type { NamedTap } from './building/named-tap.js';
import { tapModel } from './building/tap-model.js';
import { checkBuildContext } from './layers/check-build-context.js';
import type { LayersModelAdapter } from './layers/layers-model-adapter.js';

const width = z.number().int().positive();

/** Options of the `resnet` family: the single source of their types, defaults and error messages. */
export const resnetOptions = z.strictObject({
  /** Depth `6n + 2` (8, 14, 20, 32, 44, 56, 110): `n` basic blocks in each of the three stages. */
  depth: z
    .number()
    .int()
    .min(8)
    .refine((depth) => (depth - 2) % 6 === 0, { message: 'depth must be 6n + 2 (8, 14, 20, 32, 44, 56, 110, ...)' })
    .default(20),
  /** Channels of the stem and of the three stages: `[16, 16, 32, 64]` for resnet20, `[32, 64, 128, 256]` for the x4 models. */
  widths: z.tuple([width, width, width, width]).default([16, 16, 32, 64]),
  /** Width multiplier applied to every entry of `widths` (`widen: 2` doubles each layer's channels). */
  widen: z.number().int().positive().default(1),
});

/** Parsed, defaulted options of the `resnet` family. */
export type ResnetOptions = z.output<typeof resnetOptions>;

/** A named `resnet` configuration: its depth and widths. */
export interface ResnetPreset {
  /** Depth `6n + 2`. */
  depth: number;
  /** Channels of the stem and of the three stages. */
  widths: [number, number, number, number];
}

/** The names of {@link resnetPresets}. */
export type ResnetPresetName = 'resnet8' | 'resnet14' | 'resnet20' | 'resnet32' | 'resnet44' | 'resnet56' | 'resnet110' | 'resnet8x4' | 'resnet32x4';

const cifarWidths = (): [number, number, number, number] => [16, 16, 32, 64];
const wideWidths = (): [number, number, number, number] => [32, 64, 128, 256];

/**
 * The CIFAR ResNets of He et al. (2016) and RepDistiller's wide ones, as `resnet` options:
 * `resnet(resnetPresets.resnet8x4)`. Trainable parameters on 32x32x3 inputs (the same as
 * RepDistiller's PyTorch models): resnet8 78,042 (10 classes); resnet20 272,474 (10 classes);
 * resnet56 861,620 and resnet110 1,736,564 (100 classes); resnet8x4, a common student, 1,233,540
 * and resnet32x4, a common teacher, 7,433,860 (100 classes).
 */
export const resnetPresets: Readonly<Record<ResnetPresetName, Readonly<ResnetPreset>>> = Object.freeze({
  resnet8: Object.freeze({ depth: 8, widths: cifarWidths() }),
  resnet14: Object.freeze({ depth: 14, widths: cifarWidths() }),
  resnet20: Object.freeze({ depth: 20, widths: cifarWidths() }),
  resnet32: Object.freeze({ depth: 32, widths: cifarWidths() }),
  resnet44: Object.freeze({ depth: 44, widths: cifarWidths() }),
  resnet56: Object.freeze({ depth: 56, widths: cifarWidths() }),
  resnet110: Object.freeze({ depth: 110, widths: cifarWidths() }),
  resnet8x4: Object.freeze({ depth: 8, widths: wideWidths() }),
  resnet32x4: Object.freeze({ depth: 32, widths: wideWidths() }),
});

/**
 * The `resnet` model family: the CIFAR ResNet of He et al. (2016) with basic blocks, as
 * RepDistiller builds it (resnet8 ... resnet110, resnet8x4, resnet32x4), `widths` scaled by `widen`: a 3x3 conv stem with batch
 * norm and ReLU, three stages of `(depth - 2) / 6` basic blocks (the second and third halve the
 * feature maps), global average pooling and a linear layer. Batch norm uses the batch's statistics
 * and updates its moving ones while training, the moving ones at inference.
 *
 * Taps: `stem`; for each stage `layer<s>.preact` (its last block's residual sum, before the ReLU)
 * then `layer<s>` (after it); `pool`, the pooled features `[batch, widths[3]]`.
 */
export const resnetModel = defineModel({
  id: 'resnet',
  description: 'CIFAR ResNet with basic blocks (He et al. 2016; RepDistiller resnet8x4/resnet32x4 via widths).',
  options: resnetOptions,
  build: buildResnet,
});

/** The experiment helper of the `resnet` family: `resnet(resnetPresets.resnet8x4)`, `resnet({ depth: 56 })` or `resnet({ depth: 8, widen: 2 })`. */
export const resnet = modelHelper(resnetModel);

function buildResnet(options: ResnetOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('resnet', context);
  const { seed } = context;
  const [stemWidth, ...stageWidths] = options.widths.map((channels) => channels * options.widen) as [number, number, number, number];
  const blocksPerStage = (options.depth - 2) / 6;
  const { input, image } = imageInput('resnet', context.inputShape);
  const stemConv = tfl.layers.conv2d({
    name: 'stem_conv',
    filters: stemWidth,
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    kernelInitializer: heNormalFanOutInit(seed, 'stem_conv/kernel'),
  });
  let x = applyLayer(batchNorm('stem_bn'), applyLayer(stemConv, image));
  x = applyLayer(tfl.layers.activation({ name: 'stem_relu', activation: 'relu' }), x);
  const taps: NamedTap[] = [{ name: 'stem', tensor: x }];
  stageWidths.forEach((planes, stageIndex) => {
    const stage = `layer${stageIndex + 1}`;
    let preact = x;
    for (let block = 1; block <= blocksPerStage; block += 1) {
      const stride = stageIndex > 0 && block === 1 ? 2 : 1;
      ({ preact, output: x } = basicBlock(x, { name: `${stage}_block${block}`, planes, stride, seed }));
    }
    taps.push({ name: `${stage}.preact`, tensor: preact }, { name: stage, tensor: x });
  });
  const pooled = applyLayer(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  taps.push({ name: 'pool', tensor: pooled });
  const logits = applyLayer(
    tfl.layers.dense({ name: 'logits', units: context.numClasses, kernelInitializer: torchLinearInit(seed, 'logits/kernel'), biasInitializer: 'zeros' }),
    pooled,
  );
  return tapModel({ kind: 'resnet', input, logits, taps });
}
