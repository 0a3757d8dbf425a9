import { deriveSeed } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { applyLayer } from './apply-layer.js';
import { glorotUniformInit } from './initializers.js';
import type { NamedTap } from './named-tap.js';

/** What {@link denseHead} builds. */
export interface DenseHeadOptions {
  /** Units of each hidden dense layer (ReLU), input side first; may be empty. */
  units: readonly number[];
  /** Dropout rate after each hidden dense layer while training (0: none). */
  dropout: number;
  /** Number of classes: the logits' width. */
  numClasses: number;
  /** The model's seed. */
  seed: number;
}

/** The logits and the hidden taps of a dense head. */
export interface DenseHead {
  /** The logits, `[batch, numClasses]`, from a linear dense layer named `logits`. */
  logits: tfl.SymbolicTensor;
  /** `dense1` ... `denseN`: each hidden layer's output after its ReLU and before its dropout. */
  taps: NamedTap[];
}

/**
 * The classifier head shared by the convolutional families: hidden dense layers `dense1` ...
 * (ReLU, glorot-uniform kernels, zero biases, each optionally followed by a `SeededDropout`),
 * then the linear `logits` layer.
 *
 * @param features - the flat features, `[batch, n]`.
 * @param options - the hidden widths, dropout, number of classes and seed.
 */
export function denseHead(features: tfl.SymbolicTensor, options: DenseHeadOptions): DenseHead {
  const { seed } = options;
  const taps: NamedTap[] = [];
  let x = features;
  options.units.forEach((units, index) => {
    const name = `dense${index + 1}`;
    const hidden = applyLayer(denseLayer(name, units, 'relu', seed), x);
    taps.push({ name, tensor: hidden });
    x = options.dropout > 0 ? applyLayer(new SeededDropout({ name: `${name}_dropout`, rate: options.dropout, seed: deriveSeed(seed, `${name}_dropout`) }), hidden) : hidden;
  });
  return { logits: applyLayer(denseLayer('logits', options.numClasses, 'linear', seed), x), taps };
}

function denseLayer(name: string, units: number, activation: 'relu' | 'linear', seed: number) {
  return tfl.layers.dense({ name, units, activation, kernelInitializer: glorotUniformInit(seed, `${name}/kernel`), biasInitializer: 'zeros' });
}
