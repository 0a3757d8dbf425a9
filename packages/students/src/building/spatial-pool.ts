import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer } from './apply-layer.js';

/** The spatial poolings an image family offers between blocks: 2x2 windows with stride 2, or none. */
export const spatialPoolKinds = ['max', 'avg', 'none'] as const;

/** One of {@link spatialPoolKinds}. */
export type SpatialPoolKind = (typeof spatialPoolKinds)[number];

/**
 * Halves the height and width of an NHWC tensor with a 2x2, stride-2 max or average pooling
 * (`valid` padding: an odd side loses its last row or column), or returns it as it is for `none`.
 * Throws naming the layer when a side is below 2.
 *
 * @param x - the NHWC input.
 * @param kind - `max`, `avg` or `none`.
 * @param name - the pooling layer's name.
 */
export function spatialPool(x: tfl.SymbolicTensor, kind: SpatialPoolKind, name: string): tfl.SymbolicTensor {
  if (kind === 'none') return x;
  const [, height, width] = x.shape;
  if (typeof height !== 'number' || typeof width !== 'number' || height < 2 || width < 2) {
    throw new Error(
      `${name}: a 2x2 ${kind} pooling needs feature maps of at least 2x2, got [${x.shape.slice(1).join(', ')}]; ` +
        'use a larger input, fewer pooled blocks or pool "none".',
    );
  }
  const args = { name, poolSize: 2, strides: 2, padding: 'valid' as const };
  return applyLayer(kind === 'max' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args), x);
}
