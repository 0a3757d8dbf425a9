import { defineModel, deriveSeed, modelHelper, type ModelBuildContext } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { checkBuildContext } from './layers/check-build-context.js';
import { LayersModelAdapter } from './layers/layers-model-adapter.js';
import { SeededDropout } from './layers/seeded-dropout.js';

/** The hidden-layer activations an MLP accepts (all built into tfjs-layers 4.22). */
export const mlpActivations = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu'] as const;

/** Options of the `mlp` family: the single source of their types, defaults and error messages. */
export const mlpOptions = z.strictObject({
  /** Units of each hidden layer, input side first; `[]` gives a linear (softmax-regression) classifier. */
  hidden: z.array(z.number().int().positive()).default(() => [800, 800]),
  /** Activation of every hidden layer. */
  activation: z.enum(mlpActivations).default('relu'),
  /** Dropout rate after each hidden layer while training, in `[0, 1)`. */
  dropout: z.number().min(0).lt(1).default(0),
  /** Dropout rate on the (flattened) inputs while training, in `[0, 1)`; Hinton et al.'s teacher used 0.2. */
  inputDropout: z.number().min(0).lt(1).default(0),
});

/** Parsed, defaulted options of the `mlp` family. */
export type MlpOptions = z.output<typeof mlpOptions>;

/**
 * The `mlp` model family: the input flattened, then `hidden.length` dense layers, then a dense
 * logits layer with no activation. Taps `hidden1` ... `hiddenN` are each hidden layer's output
 * after its activation and before its dropout. Kernels are glorot-uniform with seeds derived from
 * `context.seed` per layer, biases are zero: the same seed builds bit-identical weights.
 */
export const mlpModel = defineModel({
  id: 'mlp',
  description: 'Multilayer perceptron: flattened input, dense hidden layers with optional dropout, linear logits.',
  options: mlpOptions,
  build: buildMlp,
});

/** The experiment helper of the `mlp` family: `mlp({ hidden: [1200, 1200], dropout: 0.5 })`. */
export const mlp = modelHelper(mlpModel);

function buildMlp(options: MlpOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('mlp', context);
  const { seed } = context;
  const input = tfl.input({ shape: [...context.inputShape], name: 'input' });
  let x = context.inputShape.length > 1 ? applied(tfl.layers.flatten({ name: 'flatten' }), input) : input;
  if (options.inputDropout > 0) {
    x = applied(new SeededDropout({ name: 'input_dropout', rate: options.inputDropout, seed: deriveSeed(seed, 'input_dropout') }), x);
  }
  const taps: tfl.SymbolicTensor[] = [];
  options.hidden.forEach((units, index) => {
    const name = `hidden${index + 1}`;
    const hidden = applied(denseLayer(name, units, options.activation, seed), x);
    taps.push(hidden);
    x = options.dropout > 0 ? applied(new SeededDropout({ name: `${name}_dropout`, rate: options.dropout, seed: deriveSeed(seed, `${name}_dropout`) }), hidden) : hidden;
  });
  const logits = applied(denseLayer('logits', context.numClasses, 'linear', seed), x);
  const model = tfl.model({ name: 'mlp', inputs: input, outputs: [logits, ...taps] });
  return new LayersModelAdapter({ kind: 'mlp', model, featureNames: taps.map((tap) => tap.sourceLayer.name) });
}

function denseLayer(name: string, units: number, activation: (typeof mlpActivations)[number] | 'linear', seed: number) {
  return tfl.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(seed, `${name}/kernel`) }),
    biasInitializer: 'zeros',
  });
}

function applied(layer: { apply(input: tfl.SymbolicTensor): unknown }, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(input) as tfl.SymbolicTensor;
}
