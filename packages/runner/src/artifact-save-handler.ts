import type * as tf from '@tensorflow/tfjs-core';
import { MODEL_JSON_NAME, WEIGHTS_NAME, modelFiles } from '@kdlab/core';
import type { RunHandle } from '@kdlab/core';

/**
 * A TensorFlow.js save handler that stores a model in a run's artifacts, in the standard layers
 * format (`<folder>/model.json` and `<folder>/weights.bin`, as {@link modelFiles} writes them),
 * loadable with `tf.loadLayersModel`.
 */
export function artifactSaveHandler(run: RunHandle, folder: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const files = modelFiles(artifacts);
      await run.logArtifact(`${folder}/${MODEL_JSON_NAME}`, files.modelJson);
      await run.logArtifact(`${folder}/${WEIGHTS_NAME}`, files.weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: files.weights.byteLength } };
    },
  };
}
