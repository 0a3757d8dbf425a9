import * as tf from '@tensorflow/tfjs-core';

/** The name of a saved model's topology and weights manifest in its folder. */
export const MODEL_JSON_NAME = 'model.json';
/** The name of a saved model's weights file in its folder (one file, the manifest's only path). */
export const WEIGHTS_NAME = 'weights.bin';

/** A model's two files in the standard TensorFlow.js layers format, ready to write. */
export interface ModelFiles {
  /** The content of `model.json`: the topology and the weights manifest. */
  readonly modelJson: string;
  /** The content of `weights.bin`: every weight's bytes, in the manifest's order. */
  readonly weights: Uint8Array;
}

/**
 * Serialises saved model artifacts into `model.json` plus `weights.bin`, the layout
 * `tf.loadLayersModel` reads when both files sit side by side (the manifest's one path is
 * `./weights.bin`). The weight specs are written as they are, `quantization` entries included, so
 * quantized artifacts (see `quantizeArtifacts`) give a quantized file.
 *
 * @param artifacts - what a tfjs `save` hands its handler.
 * @returns the two files' contents.
 */
export function modelFiles(artifacts: tf.io.ModelArtifacts): ModelFiles {
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('Only JSON model topologies can be written as model.json, not binary (graph) ones.');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
  const modelJson = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_NAME}`], weights: artifacts.weightSpecs ?? [] }],
    // Kept when the model has them: kdlab's metadata (family, taps) lives in userDefinedMetadata.
    ...(artifacts.trainingConfig !== undefined && { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.signature !== undefined && { signature: artifacts.signature }),
    ...(artifacts.userDefinedMetadata !== undefined && { userDefinedMetadata: artifacts.userDefinedMetadata }),
  };
  return { modelJson: JSON.stringify(modelJson), weights };
}

/**
 * The size of a model's files in bytes: `model.json` (UTF-8) plus `weights.bin`, what they take
 * on disk once written.
 *
 * @param files - the files of {@link modelFiles}.
 */
export function modelFilesBytes(files: ModelFiles): number {
  return Buffer.byteLength(files.modelJson, 'utf8') + files.weights.byteLength;
}
