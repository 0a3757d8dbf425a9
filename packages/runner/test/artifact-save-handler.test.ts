import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactSaveHandler } from '@kdlab/runner';
import { modelFiles, quantizeArtifacts, selectBackend, type RunHandle } from '@kdlab/core';

beforeAll(() => selectBackend('cpu'));

/** A run that keeps its artifacts in memory. */
function memoryRun(): { run: RunHandle; files: Map<string, string | Uint8Array> } {
  const files = new Map<string, string | Uint8Array>();
  const none = async (): Promise<void> => undefined;
  const run: RunHandle = { runId: 'r', experimentId: 'e', logParams: none, logMetrics: none, setTags: none, end: none, logArtifact: async (path, contents) => void files.set(path, contents) };
  return { run, files };
}

describe('artifactSaveHandler', () => {
  it("stores exactly modelFiles' model.json and weights.bin (so bytes measured on modelFiles are the artifact's), quantized manifests included", async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })] });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) })));
    for (const artifacts of [saved!, quantizeArtifacts(saved!, 'uint8')]) {
      const { run, files } = memoryRun();
      await artifactSaveHandler(run, 'model').save!(artifacts);
      const expected = modelFiles(artifacts);
      expect([...files.keys()]).toEqual(['model/model.json', 'model/weights.bin']);
      expect(files.get('model/model.json')).toBe(expected.modelJson);
      expect(Array.from(files.get('model/weights.bin') as Uint8Array)).toEqual(Array.from(expected.weights));
      const json = JSON.parse(expected.modelJson);
      expect(Object.keys(json)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
      expect(json.weightsManifest).toEqual([{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }]);
    }
    model.dispose();
  });
});
