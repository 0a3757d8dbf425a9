import type * as tf from '@tensorflow/tfjs-core';
import type { RunHandle } from '../tracking/tracker.js';

/**
 * A TensorFlow.js save handler that stores a model in a run's artifacts, in the standard layers
 * format (`<folder>/model.json` and `<folder>/weights.bin`), loadable with `tf.loadLayersModel`.
 */
export function artifactSaveHandler(run: RunHandle, folder: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightsFile = 'weights.bin';
      const weightData = artifacts.weightData;
      const bytes =
        weightData === undefined
          ? new Uint8Array(0)
          : Array.isArray(weightData)
            ? Buffer.concat(weightData.map((buffer) => new Uint8Array(buffer)))
            : new Uint8Array(weightData as ArrayBuffer);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await run.logArtifact(`${folder}/model.json`, JSON.stringify(modelJson));
      await run.logArtifact(`${folder}/${weightsFile}`, bytes);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
    },
  };
}
