import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The parts of a tfjs-layers `Conv2D` layer read here (its own fields). */
interface Conv2DFields {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: number[] | number;
  rank: number;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

/**
 * Gives a tfjs-layers `Conv2D` layer a forward pass whose gradient with respect to its input is computed
 * only when something asks for it, on tfjs-node. tfjs-layers computes every 2-D convolution with
 * `tf.fused.conv2d`, whose gradient (a `customGrad`) computes the input's gradient
 * (`Conv2DBackpropInput`) whether or not anything needs it: for a model's first layer, whose input is
 * data, that is a whole transposed convolution per step for nothing (2 ms of a 100 ms transformer step,
 * for its patch projection). On the `tensorflow` backend the layer runs `conv2d`, then the bias `add`
 * and the activation, as separate ops: the very ops tfjs-node's `FusedConv2D` kernel runs, so the same
 * values to the bit, with tfjs' own lazy gradients. On other backends (whose fused kernels compute
 * otherwise) and for configurations other than channels-last with `valid` or `same` padding, the
 * layer's own call. Its config and saved form are unchanged. Returns the layer.
 *
 * @param layer - a `Conv2D` layer.
 * @throws Error when the layer is not a 2-D convolution.
 */
export function withLazyInputGradient<Layer extends tfl.layers.Layer>(layer: Layer): Layer {
  const conv = layer as unknown as Conv2DFields;
  if (layer.getClassName() !== 'Conv2D' || conv.rank !== 2) throw new Error(`withLazyInputGradient: layer "${layer.name}" is not a Conv2D layer.`);
  const stockCall = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    if (tf.getBackend() !== 'tensorflow' || conv.dataFormat !== 'channelsLast' || conv.padding === 'causal') return stockCall(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const dilations = typeof conv.dilationRate === 'number' ? conv.dilationRate : (conv.dilationRate as [number, number]);
      const padding = conv.padding as 'valid' | 'same';
      const convolved = tf.conv2d(x, conv.kernel.read() as tf.Tensor4D, conv.strides as [number, number], padding, 'NHWC', dilations);
      return conv.activation.apply(conv.bias === null ? convolved : tf.add(convolved, conv.bias.read()));
    });
  };
  return layer;
}
