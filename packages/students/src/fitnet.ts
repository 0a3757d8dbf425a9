import { defineModel, modelHelper, type ModelBuildContext } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { applyLayer } from './building/apply-layer.js';
import { convUnit } from './building/conv-unit.js';
import { denseHead } from './building/dense-head.js';
import { imageInput } from './building/image-input.js';
import type { NamedTap } from './building/named-tap.js';
import { spatialPool } from './building/spatial-pool.js';
import { tapModel } from './building/tap-model.js';
import { checkBuildContext } from './layers/check-build-context.js';
import type { LayersModelAdapter } from './layers/layers-model-adapter.js';

/** Conv layers of a `fitnet` built from `depth` when neither `stages` nor `depth` is given. */
export const FITNET_DEFAULT_DEPTH = 9;
/** Channels of the first stage of a `fitnet` built from `depth` when `width` is not given. */
export const FITNET_DEFAULT_WIDTH = 16;

/** Options of the `fitnet` family: the single source of their types, defaults and error messages. */
export const fitnetOptions = z
  .strictObject({
    /**
     * Explicit stages: each a list of conv-layer widths, e.g. `[[16, 16, 16], [32, 32, 32], [48, 48, 64]]`
     * (FitNet 1 of Romero et al.). Replaces `depth` and `width`.
     */
    stages: z.array(z.array(z.number().int().positive()).min(1)).min(1).optional(),
    /** Number of conv layers, spread over three stages (later stages get the remainder); default 9. */
    depth: z.number().int().min(3).optional(),
    /** Channels of the first stage when built from `depth`; the second and third have 2x and 4x; default 16. */
    width: z.number().int().positive().optional(),
    /** Batch norm between each convolution and its ReLU (the FitNets paper had none). */
    batchNorm: z.boolean().default(false),
    /** Global pooling after the last stage (the paper closes with an 8x8 max pooling). */
    globalPool: z.enum(['max', 'avg']).default('max'),
    /** Units of hidden dense layers (ReLU) between the global pooling and the logits. */
    dense: z.array(z.number().int().positive()).default(() => []),
    /** Dropout rate after each hidden dense layer while training, in `[0, 1)`. */
    dropout: z.number().min(0).lt(1).default(0),
  })
  .refine((options) => options.stages === undefined || (options.depth === undefined && options.width === undefined), {
    path: ['stages'],
    message: 'give either stages or depth and width, not both',
  });

/** Parsed, defaulted options of the `fitnet` family. */
export type FitnetOptions = z.output<typeof fitnetOptions>;

/**
 * The conv-layer widths of each stage of a `fitnet`: `stages` as given, or `depth` layers spread
 * over three stages of widths `width`, `2 * width` and `4 * width` (later stages take the remainder).
 *
 * @param options - parsed `fitnet` options.
 */
export function fitnetStages(options: Pick<FitnetOptions, 'stages' | 'depth' | 'width'>): number[][] {
  if (options.stages !== undefined) return options.stages.map((stage) => [...stage]);
  const depth = options.depth ?? FITNET_DEFAULT_DEPTH;
  const width = options.width ?? FITNET_DEFAULT_WIDTH;
  const base = Math.floor(depth / 3);
  const remainder = depth % 3;
  return [1, 2, 4].map((multiplier, stage) => Array.from({ length: base + (stage >= 3 - remainder ? 1 : 0) }, () => multiplier * width));
}

/**
 * The `fitnet` model family: thin and deep (FitNets, Romero et al. 2015): stages of narrow 3x3
 * conv layers (optional batch norm, ReLU; maxout is not implemented), a 2x2 max pooling between
 * stages, a global pooling, optional hidden dense layers and linear logits. Taps: `block1` ...
 * `blockN`, every conv layer's output, numbered through the whole network, so a hint layer in the
 * middle can be addressed; `stage1` ... each stage's pooled output but the last's; `pool`, the
 * globally pooled features; `dense1` ... the hidden dense layers.
 */
export const fitnetModel = defineModel({
  id: 'fitnet',
  description: 'FitNets thin-and-deep CNN: stages of narrow 3x3 conv layers separated by max pooling, global pooling, logits.',
  options: fitnetOptions,
  build: buildFitnet,
});

/** The experiment helper of the `fitnet` family: `fitnet({ depth: 11, width: 16 })`. */
export const fitnet = modelHelper(fitnetModel);

function buildFitnet(options: FitnetOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('fitnet', context);
  const { seed } = context;
  const { input, image } = imageInput('fitnet', context.inputShape);
  const stages = fitnetStages(options);
  const taps: NamedTap[] = [];
  let x = image;
  let block = 0;
  stages.forEach((widths, stageIndex) => {
    for (const filters of widths) {
      block += 1;
      x = convUnit(x, { name: `block${block}`, filters, kernelSize: 3, batchNorm: options.batchNorm, seed });
      taps.push({ name: `block${block}`, tensor: x });
    }
    if (stageIndex < stages.length - 1) {
      const name = `stage${stageIndex + 1}`;
      x = spatialPool(x, 'max', `${name}_pool`);
      taps.push({ name, tensor: x });
    }
  });
  const pooled = applyLayer(
    options.globalPool === 'max' ? tfl.layers.globalMaxPooling2d({ name: 'pool' }) : tfl.layers.globalAveragePooling2d({ name: 'pool' }),
    x,
  );
  taps.push({ name: 'pool', tensor: pooled });
  const head = denseHead(pooled, { units: options.dense, dropout: options.dropout, numClasses: context.numClasses, seed });
  return tapModel({ kind: 'fitnet', input, logits: head.logits, taps: [...taps, ...head.taps] });
}
