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
});

/** Parsed, defaulted options of the `resnet` family. */
export type ResnetOptions = z.output<typeof resnetOptions>;

/** The CIFAR ResNets of He et al. (2016) and RepDistiller's wide ones, as `resnet` options. */
export const resnetPresets = {
  /** ResNet-8: 78,042 parameters on CIFAR-10. */
  resnet8: { depth: 8, widths: [16, 16, 32, 64] },
  /** ResNet-14. */
  resnet14: { depth: 14, widths: [16, 16, 32, 64] },
  /** ResNet-20: 272,474 parameters on CIFAR-10. */
  resnet20: { depth: 20, widths: [16, 16, 32, 64] },
  /** ResNet-32. */
  resnet32: { depth: 32, widths: [16, 16, 32, 64] },
  /** ResNet-44. */
  resnet44: { depth: 44, widths: [16, 16, 32, 64] },
  /** ResNet-56: 861,620 parameters on CIFAR-100. */
  resnet56: { depth: 56, widths: [16, 16, 32, 64] },
  /** ResNet-110: 1,736,564 parameters on CIFAR-100. */
  resnet110: { depth: 110, widths: [16, 16, 32, 64] },
  /** RepDistiller's resnet8x4 (a common student): 1,233,540 parameters on CIFAR-100. */
  resnet8x4: { depth: 8, widths: [32, 64, 128, 256] },
  /** RepDistiller's resnet32x4 (a common teacher): 7,433,860 parameters on CIFAR-100. */
  resnet32x4: { depth: 32, widths: [32, 64, 128, 256] },
} as const satisfies Record<string, z.input<typeof resnetOptions>>;

/**
 * The `resnet` model family: the CIFAR ResNet of He et al. (2016) with basic blocks, as
 * RepDistiller builds it (resnet8 ... resnet110, resnet8x4, resnet32x4): a 3x3 conv stem with batch
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

/** The experiment helper of the `resnet` family: `resnet(resnetPresets.resnet8x4)` or `resnet({ depth: 56 })`. */
export const resnet = modelHelper(resnetModel);

function buildResnet(options: ResnetOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('resnet', context);
  const { seed } = context;
  const [stemWidth, ...stageWidths] = options.widths;
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
