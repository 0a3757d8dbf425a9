import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gelu } from '../ops/gelu.js';

/** tfjs-layers' activation object as a dense layer holds it. */
interface ActivationObject {
  /** The activation of `x`. */
  apply(x: tf.Tensor, axis?: number): tf.Tensor;
  /** The name it is saved under (`gelu`). */
  getClassName(): string;
}

/** tfjs-layers' own `gelu` activation class, as its serialization registry holds it (not exported). */
const StockGelu = tf.serialization.SerializationMap.getMap().classNameMap['gelu']?.[0] as (new () => ActivationObject) | undefined;
if (StockGelu === undefined) throw new Error('@kdlab/students: tfjs-layers registered no gelu activation.');

/**
 * tfjs-layers' `gelu` activation (the same class name, so it is saved as `'gelu'` and loads as stock
 * tfjs's) computed by {@link gelu}: the same forward ops, its gradient written out.
 */
export class FusedGelu extends StockGelu {
  /** GELU of `x`. */
  override apply(x: tf.Tensor): tf.Tensor {
    return gelu(x);
  }
}

/**
 * Gives a dense layer built with `activation: 'gelu'` the {@link FusedGelu} activation (tfjs-layers
 * looks activations up by name, so a dense layer cannot be given an activation object): its output,
 * config and saved form are unchanged, its gradient takes fewer kernels. Returns the layer.
 *
 * @param layer - a dense layer with the `gelu` activation.
 * @throws Error when the layer's activation is not `gelu`.
 */
export function withFusedGelu<Layer extends tfl.layers.Layer>(layer: Layer): Layer {
  const holder = layer as unknown as { activation?: ActivationObject };
  if (holder.activation?.getClassName() !== 'gelu') throw new Error(`withFusedGelu: layer "${layer.name}" has no gelu activation.`);
  holder.activation = new FusedGelu();
  return layer;
}
