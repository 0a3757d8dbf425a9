import { MODEL_JSON_NAME, WEIGHTS_NAME, modelFiles, modelFolderHandler, writeModelFolder } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';

/** File name of the topology and manifest that {@link fileSystemHandler} writes. */
export const MODEL_JSON_FILE = MODEL_JSON_NAME;
/** File name of the weights that {@link fileSystemHandler} writes. */
export const WEIGHTS_FILE = WEIGHTS_NAME;

/**
 * A TensorFlow.js `IOHandler` over the local file system, for Node without `tfjs-node`.
 *
 * Saving writes `<directory>/model.json` and `<directory>/weights.bin` in the standard layers
 * format (kdlab's `modelFiles`, the layout `tfjs-node` writes), which a browser loads with
 * `tf.loadLayersModel` when both files are served side by side. Loading reads a `model.json` (the
 * path may name the file itself or its directory) and every weight file its manifest lists,
 * relative to it (kdlab's `modelFolderHandler`).
 *
 * @param path - a directory to save into or load from, or the path of a `model.json` to load.
 */
export function fileSystemHandler(path: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      await writeModelFolder(path, modelFiles(artifacts));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: modelFolderHandler(path).load!,
  };
}
