import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer } from './apply-layer.js';
import { batchNorm } from './batch-norm.js';
import { heNormalInit } from './initializers.js';

/** What {@link convUnit} builds. */
export interface ConvUnitOptions {
  /** Prefix of the unit's layer names: `<name>_conv`, `<name>_bn`, `<name>_relu`. */
  name: string;
  /** Output channels. */
  filters: number;
  /** Side of the square kernel. */
  kernelSize: number;
  /** Whether a batch norm sits between the convolution and the ReLU (the convolution then has no bias). */
  batchNorm: boolean;
  /** The model's seed; the kernel draws from `deriveSeed(seed, '<name>_conv/kernel')`. */
  seed: number;
}

/**
 * A convolution with `same` padding and stride 1, then optionally batch norm, then ReLU.
 * Without batch norm the ReLU is the convolution's own activation (one layer, `<name>_conv`);
 * with it, the layers are `<name>_conv` (no bias), `<name>_bn` and `<name>_relu`.
 * Kernels are He-normal (fan-in), biases zero.
 *
 * @param x - the NHWC input.
 * @param options - the unit's name, width, kernel and batch-norm choice.
 * @returns the unit's output after the ReLU.
 */
export function convUnit(x: tfl.SymbolicTensor, options: ConvUnitOptions): tfl.SymbolicTensor {
  const { name, filters, kernelSize, seed } = options;
  const conv = tfl.layers.conv2d({
    name: `${name}_conv`,
    filters,
    kernelSize,
    padding: 'same',
    useBias: !options.batchNorm,
    activation: options.batchNorm ? 'linear' : 'relu',
    kernelInitializer: heNormalInit(seed, `${name}_conv/kernel`),
    biasInitializer: 'zeros',
  });
  const convolved = applyLayer(conv, x);
  if (!options.batchNorm) return convolved;
  const normalised = applyLayer(batchNorm(`${name}_bn`), convolved);
  return applyLayer(tfl.layers.activation({ name: `${name}_relu`, activation: 'relu' }), normalised);
}
