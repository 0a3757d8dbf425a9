import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readKdlabMetadata } from '../layers/kdlab-metadata.js';
import { LayersModelAdapter } from '../layers/layers-model-adapter.js';
import '../layers/seeded-dropout.js';
import { resolveIoTarget } from './resolve-io-target.js';

/**
 * Loads a saved kdlab model back as a `tf.LayersModel`, with kdlab's custom layers registered.
 *
 * @param pathOrHandler - a directory or `model.json` path, a `file://` URL, any URL tfjs routes,
 *   or an `IOHandler` such as `tf.io.fromMemory(artifacts)`.
 */
export async function loadModel(pathOrHandler: string | tf.io.IOHandler): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(resolveIoTarget(pathOrHandler));
}

/**
 * Loads a saved kdlab model back as a kdlab {@link LayersModelAdapter}, with its family id and tap
 * names read from the metadata kdlab saved (a model saved by plain tfjs gets kind `layers` and its
 * tap outputs' layer names).
 *
 * @param pathOrHandler - as for {@link loadModel}.
 */
export async function loadKdlabModel(pathOrHandler: string | tf.io.IOHandler): Promise<LayersModelAdapter> {
  const model = await loadModel(pathOrHandler);
  const source = typeof pathOrHandler === 'string' ? pathOrHandler : `the model "${model.name}"`;
  try {
    const metadata = readKdlabMetadata(model.getUserDefinedMetadata(), source);
    return new LayersModelAdapter({
      kind: metadata?.kind ?? 'layers',
      model,
      ...(metadata !== undefined && { featureNames: metadata.featureNames }),
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
}
