import { defineModel, modelHelper, type ModelBuildContext } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { applyLayer } from './building/apply-layer.js';
import { convUnit } from './building/conv-unit.js';
import { denseHead } from './building/dense-head.js';
import { imageInput } from './building/image-input.js';
import type { NamedTap } from './building/named-tap.js';
import { spatialPool, spatialPoolKinds } from './building/spatial-pool.js';
import { tapModel } from './building/tap-model.js';
import { checkBuildContext } from './layers/check-build-context.js';
import type { LayersModelAdapter } from './layers/layers-model-adapter.js';

const poolKind = z.enum(spatialPoolKinds);

/** Options of the `cnn` family: the single source of their types, defaults and error messages. */
export const cnnOptions = z
  .strictObject({
    /** Output channels of each conv block, input side first (at least one block). */
    channels: z.array(z.number().int().positive()).min(1).default(() => [32, 64]),
    /** Side of every block's square kernel (`same` padding, stride 1). */
    kernelSize: z.number().int().positive().default(3),
    /** The 2x2, stride-2 pooling closing each block: one kind for every block, or one per block. */
    pool: z.union([poolKind, z.array(poolKind).min(1)]).default('max'),
    /** Batch norm between each convolution and its ReLU. */
    batchNorm: z.boolean().default(false),
    /** Units of the hidden dense layers (ReLU) between the flattened feature maps and the logits. */
    dense: z.array(z.number().int().positive()).default(() => [128]),
    /** Dropout rate after each hidden dense layer while training, in `[0, 1)`. */
    dropout: z.number().min(0).lt(1).default(0),
  })
  .refine((options) => !Array.isArray(options.pool) || options.pool.length === options.channels.length, {
    path: ['pool'],
    message: 'give one pooling per block: pool must have as many entries as channels',
  });

/** Parsed, defaulted options of the `cnn` family. */
export type CnnOptions = z.output<typeof cnnOptions>;

/**
 * The `cnn` model family: conv blocks (convolution, optional batch norm, ReLU, optional 2x2
 * pooling), the feature maps flattened, hidden dense layers, linear logits. Taps `block1` ...
 * `blockN` are each block's feature maps (NHWC) after its ReLU and before its pooling, where a
 * FitNets hint reads a conv layer; `dense1` ... the hidden dense layers' outputs after their ReLU
 * and before their dropout. Conv kernels are He-normal, dense
 * kernels glorot-uniform, each seeded from `context.seed` and its layer name; biases are zero.
 */
export const cnnModel = defineModel({
  id: 'cnn',
  description: 'Convolutional network: conv blocks (conv, optional batch norm, ReLU, optional pooling), then a dense head.',
  options: cnnOptions,
  build: buildCnn,
});

/** The experiment helper of the `cnn` family: `cnn({ channels: [32, 64], batchNorm: true })`. */
export const cnn = modelHelper(cnnModel);

function buildCnn(options: CnnOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('cnn', context);
  const { seed } = context;
  const { input, image } = imageInput('cnn', context.inputShape);
  const taps: NamedTap[] = [];
  let x = image;
  options.channels.forEach((filters, index) => {
    const name = `block${index + 1}`;
    const kind = Array.isArray(options.pool) ? options.pool[index]! : options.pool;
    const activated = convUnit(x, { name, filters, kernelSize: options.kernelSize, batchNorm: options.batchNorm, seed });
    taps.push({ name, tensor: activated });
    x = spatialPool(activated, kind, `${name}_pool`);
  });
  const flat = applyLayer(tfl.layers.flatten({ name: 'flatten' }), x);
  const head = denseHead(flat, { units: options.dense, dropout: options.dropout, numClasses: context.numClasses, seed });
  return tapModel({ kind: 'cnn', input, logits: head.logits, taps: [...taps, ...head.taps] });
}
