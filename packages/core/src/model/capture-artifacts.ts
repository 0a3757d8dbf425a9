import * as tf from '@tensorflow/tfjs-core';
import type { Model } from './model.js';

/**
 * What a model's `save` produces, kept in memory: its topology, weight specs and weight data
 * (through `tf.io.withSaveHandler`), to quantize or serialise without touching the disk.
 *
 * @param model - a kdlab model (saved through {@link Model.save}).
 * @returns the artifacts tfjs handed the save handler.
 */
export async function captureArtifacts(model: Model): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (captured === undefined) throw new Error(`captureArtifacts: the ${model.kind} model's save did not hand its artifacts to the save handler.`);
  return captured;
}
