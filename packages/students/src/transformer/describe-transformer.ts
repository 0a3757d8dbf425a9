import type { Model } from '@kdlab/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModelAdapter } from '../layers/layers-model-adapter.js';

const ENCODER_LAYER_NAME = /^layer(\d+)_(.+)$/;

/** Where a transformer layer sits in the encoder stack. */
export interface EncoderLayerPart {
  /** The encoder layer's number, from 1. */
  index: number;
  /** The rest of the layer's name (`attention`, `ffn_inner`, ...). */
  part: string;
}

/**
 * Splits a transformer layer name into its encoder-layer number and the rest
 * (`layer3_ffn_inner` gives `{ index: 3, part: 'ffn_inner' }`); `undefined` for layers outside
 * the encoder stack (embeddings, norms, pooling, logits).
 *
 * @param layerName - a layer's name in a model built by the `transformer` family.
 */
export function encoderLayerPart(layerName: string): EncoderLayerPart | undefined {
  const match = ENCODER_LAYER_NAME.exec(layerName);
  return match === null ? undefined : { index: Number(match[1]), part: match[2]! };
}

/**
 * Number of encoder layers of a model built by the `transformer` family (the largest `<i>` of
 * its `layer<i>_...` layers).
 *
 * @param model - a transformer's {@link LayersModelAdapter}.
 */
export function encoderLayerCount(model: Pick<LayersBackedModel, 'layersModel'>): number {
  return model.layersModel.layers.reduce((count, layer) => Math.max(count, encoderLayerPart(layer.name)?.index ?? 0), 0);
}

/** A kdlab model backed by a tfjs-layers model, as every family of this package builds. */
export interface LayersBackedModel extends Model {
  /** The wrapped tfjs-layers model. */
  readonly layersModel: tfl.LayersModel;
}

/**
 * Whether a kdlab model wraps a tfjs-layers model (a {@link LayersModelAdapter}, from this or another
 * copy of this package): checked by shape rather than `instanceof`, so a teacher loaded through a
 * plugin package's own copy still qualifies.
 *
 * @param model - any kdlab model.
 */
export function wrapsLayersModel(model: Model): model is LayersBackedModel {
  const candidate = (model as { layersModel?: { layers?: unknown } }).layersModel;
  return typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.layers);
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
  if (!wrapsLayersModel(model) || model.kind !== 'transformer') return `${model.kind} (${model.paramCount()} parameters)`;
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
