import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from '../support/seeded-values.js';
import { modelFiles, modelFilesBytes, modelFolderHandler, quantizeArtifacts, selectBackend, writeModelFolder } from '@kdlab/core';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-model-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(() => selectBackend('cpu'));

describe('writeModelFolder and modelFolderHandler', () => {
  it('write model.json and weights.bin, count their bytes on disk, and load back with tf.loadLayersModel (quantized too)', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 3 })] });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) })));
    const x = tf.tensor2d(seededValues(10, 2), [2, 5]);
    const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
    for (const [name, artifacts] of [['float32', saved!], ['uint8', quantizeArtifacts(saved!, 'uint8')]] as const) {
      const folder = join(scratch, name);
      const files = modelFiles(artifacts);
      const bytes = await writeModelFolder(folder, files);
      expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
      expect(bytes).toBe(statSync(join(folder, 'model.json')).size + statSync(join(folder, 'weights.bin')).size);
      expect(bytes).toBe(modelFilesBytes(files));
      expect(statSync(join(folder, 'weights.bin')).size).toBe(name === 'float32' ? 18 * 4 : 18);
      const loaded = await tfl.loadLayersModel(modelFolderHandler(folder));
      const got = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, name === 'float32' ? 6 : 1));
      loaded.dispose();
    }
    x.dispose();
    model.dispose();
  });
});
