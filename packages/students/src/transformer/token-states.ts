import type { TokenStates } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { underlyingVariable, type LayersModelAdapter } from '../layers/layers-model-adapter.js';
import { encoderLayerCount } from './describe-transformer.js';

/**
 * The token transformer's per-token hidden states ({@link TokenStates}), for masked-language-model
 * pre-training: the last encoder layer's tap `layer<L>`, through the final layer norm with `norm: 'pre'`
 * (post-norm layers end normalised), without the `[CLS]` position when the model has one; and the
 * `token_embedding` table. Throws naming the model when it has no token embedding (an image transformer).
 *
 * @param model - a model built by the `transformer` family.
 */
export function transformerTokenStates(model: LayersModelAdapter): TokenStates {
  const layers = new Map(model.layersModel.layers.map((layer) => [layer.name, layer]));
  const embeddingLayer = layers.get('token_embedding');
  if (embeddingLayer === undefined || embeddingLayer.weights.length !== 1) {
    throw new Error(`${model.kind}: token states need token ids (embedding "tokens"); this model embeds an image.`);
  }
  const tap = `layer${encoderLayerCount(model)}`;
  const finalNorm = layers.get('final_norm');
  const offset = layers.has('class_token') ? 1 : 0;
  const length = model.inputShape[0]!;
  return {
    embedding: underlyingVariable(embeddingLayer.weights[0]!),
    read(features: Record<string, tf.Tensor>): tf.Tensor3D {
      const states = features[tap];
      if (states === undefined) throw new Error(`${model.kind}: the features hold no tap "${tap}" (they hold: ${Object.keys(features).join(', ')}).`);
      return tf.tidy(() => {
        const normed = finalNorm === undefined ? states : (finalNorm.apply(states) as tf.Tensor);
        return (offset === 0 ? normed : tf.slice(normed, [0, offset, 0], [-1, length, -1])) as tf.Tensor3D;
      });
    },
  };
}
