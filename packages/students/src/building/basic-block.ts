import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer } from './apply-layer.js';
import { batchNorm } from './batch-norm.js';
import { heNormalFanOutInit } from './initializers.js';

/** What {@link basicBlock} builds. */
export interface BasicBlockOptions {
  /** Prefix of the block's layer names, e.g. `layer2_block1`. */
  name: string;
  /** Output channels. */
  planes: number;
  /** Stride of the first convolution (and of the projection shortcut): 1, or 2 to halve the feature maps. */
  stride: 1 | 2;
  /** The model's seed. */
  seed: number;
}

/** A basic block's output and its pre-activation. */
export interface BasicBlockOutput {
  /** The residual sum before the final ReLU (RepDistiller's `preact`). */
  preact: tfl.SymbolicTensor;
  /** The block's output, after the final ReLU. */
  output: tfl.SymbolicTensor;
}

/**
 * The basic residual block of the CIFAR ResNets (He et al. 2016, as RepDistiller writes it):
 * `3x3 conv (stride) -> BN -> ReLU -> 3x3 conv -> BN`, plus the shortcut (identity, or a 1x1
 * strided conv and BN when the stride or the width changes), then ReLU. Convolutions have no bias
 * and He-normal (fan-out) kernels. A stride-2 3x3 convolution pads one pixel on every side first
 * (`<name>_pad1`), as PyTorch's `padding=1` does, so its taps line up with the 1x1 shortcut's.
 *
 * @param x - the NHWC input.
 * @param options - the block's name, width, stride and seed.
 */
export function basicBlock(x: tfl.SymbolicTensor, options: BasicBlockOptions): BasicBlockOutput {
  const { name, planes, stride, seed } = options;
  const inplanes = x.shape[3];
  const conv = (layerName: string, kernelSize: number, strides: number, padding: 'same' | 'valid') =>
    tfl.layers.conv2d({
      name: layerName,
      filters: planes,
      kernelSize,
      strides,
      padding,
      useBias: false,
      kernelInitializer: heNormalFanOutInit(seed, `${layerName}/kernel`),
    });
  const padded = stride === 1 ? x : applyLayer(tfl.layers.zeroPadding2d({ name: `${name}_pad1`, padding: 1 }), x);
  let y = applyLayer(conv(`${name}_conv1`, 3, stride, stride === 1 ? 'same' : 'valid'), padded);
  y = applyLayer(batchNorm(`${name}_bn1`), y);
  y = applyLayer(tfl.layers.activation({ name: `${name}_relu1`, activation: 'relu' }), y);
  y = applyLayer(conv(`${name}_conv2`, 3, 1, 'same'), y);
  y = applyLayer(batchNorm(`${name}_bn2`), y);
  let shortcut = x;
  if (stride !== 1 || inplanes !== planes) {
    shortcut = applyLayer(conv(`${name}_shortcut_conv`, 1, stride, 'valid'), x);
    shortcut = applyLayer(batchNorm(`${name}_shortcut_bn`), shortcut);
  }
  const preact = applyLayer(tfl.layers.add({ name: `${name}_add` }), [y, shortcut]);
  const output = applyLayer(tfl.layers.activation({ name: `${name}_relu`, activation: 'relu' }), preact);
  return { preact, output };
}
