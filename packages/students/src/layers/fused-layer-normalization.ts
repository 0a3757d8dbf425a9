import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerNorm } from '../ops/layer-norm.js';

/** Constructor arguments of tfjs-layers' `LayerNormalization`. */
export type LayerNormalizationArgs = NonNullable<Parameters<typeof tfl.layers.layerNormalization>[0]>;

/** tfjs-layers' own `LayerNormalization` class, as its serialization registry holds it (the class itself is not exported). */
const StockLayerNormalization = tf.serialization.SerializationMap.getMap().classNameMap['LayerNormalization']?.[0] as (new (args: LayerNormalizationArgs) => tfl.layers.Layer) | undefined;
if (StockLayerNormalization === undefined) throw new Error('@kdlab/students: tfjs-layers registered no LayerNormalization class.');

/** The fields of tfjs-layers' `LayerNormalization` that the fused call reads. */
interface LayerNormalizationFields {
  axis: number | number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
}

/**
 * tfjs-layers' `LayerNormalization` (the same weights `gamma` and `beta`, the same config, saved under
 * the same class name, so a saved model loads with stock tfjs and computes the same function) whose
 * call over the last axis, with scale and offset, is {@link layerNorm}: one op with its gradient
 * written out instead of moments, four tiles and `batchNorm` (whose gradients run on the full input
 * shape). Other settings fall back to the stock call.
 */
export class FusedLayerNormalization extends StockLayerNormalization {
  /** Normalises the input as tfjs-layers' layer does. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const fields = this as unknown as LayerNormalizationFields;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const axes = Array.isArray(fields.axis) ? fields.axis : [fields.axis];
    const lastAxis = input !== undefined && axes.length === 1 && (axes[0] === -1 || axes[0] === input.rank - 1);
    if (input === undefined || (Array.isArray(inputs) && inputs.length !== 1) || !lastAxis || !fields.center || !fields.scale || fields.gamma === null || fields.beta === null) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => layerNorm(input, fields.gamma!.read(), fields.beta!.read(), fields.epsilon));
  }
}
