import type { Model } from '@kdlab/core';
import { LayersModelAdapter } from '../layers/layers-model-adapter.js';

const ENCODER_LAYER_NAME = /^layer(\d+)_(.+)$/;

/**
 * Splits a transformer layer name into its encoder-layer number and the rest
 * (`layer3_ffn_inner` gives `{ index: 3, part: 'ffn_inner' }`); `undefined` for layers outside
 * the encoder stack (embeddings, norms, pooling, logits).
 *
 * @param layerName - a layer's name in a model built by the `transformer` family.
 */
export function encoderLayerPart(layerName: string): { index: number; part: string } | undefined {
  const match = ENCODER_LAYER_NAME.exec(layerName);
  return match === null ? undefined : { index: Number(match[1]), part: match[2]! };
}

/**
 * Number of encoder layers of a model built by the `transformer` family (the largest `<i>` of
 * its `layer<i>_...` layers).
 *
 * @param model - a transformer's `LayersModelAdapter`.
 */
export function encoderLayerCount(model: LayersModelAdapter): number {
  return model.layersModel.layers.reduce((count, layer) => Math.max(count, encoderLayerPart(layer.name)?.index ?? 0), 0);
}

/**
 * A one-line description of a model's architecture for error messages: for a transformer its
 * layers, hidden size, heads, feed-forward size, tokens and norm placement, read from its graph
 * (`transformer(layers 4, hidden 32, heads 4, feedForward 64, tokens 17, norm post)`); for any
 * other model its kind and parameter count.
 *
 * @param model - the model to describe.
 */
export function describeArchitecture(model: Model): string {
  if (!(model instanceof LayersModelAdapter) || model.kind !== 'transformer') return `${model.kind} (${model.paramCount()} parameters)`;
  const shapes = model.featureShapes();
  const embeddings = shapes['embeddings'];
  const inner = model.layersModel.layers.find((layer) => layer.name === 'layer1_ffn_inner');
  const parts = [
    `layers ${encoderLayerCount(model)}`,
    `hidden ${embeddings?.[1] ?? '?'}`,
    `heads ${shapes['layer1.attn']?.[0] ?? '?'}`,
    `feedForward ${inner?.getConfig()['units'] ?? '?'}`,
    `tokens ${embeddings?.[0] ?? '?'}`,
    `norm ${model.layersModel.layers.some((layer) => layer.name === 'final_norm') ? 'pre' : 'post'}`,
  ];
  return `transformer(${parts.join(', ')})`;
}
